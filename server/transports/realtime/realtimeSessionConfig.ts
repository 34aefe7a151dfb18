/**
 * The effective Realtime session (GA shape, `type: "realtime"`) that
 * `session.created`/`session.updated` report. It says what the graph really
 * does: values a cascade graph cannot honour are reported as they are, not
 * as requested (see README, "Realtime-compatible endpoint").
 */
export type RealtimeAudioFormat =
  | { type: 'audio/pcm'; rate: 24000 }
  | { type: 'audio/pcmu' }
  | { type: 'audio/pcma' };

export interface RealtimeTurnDetection {
  type: 'server_vad' | 'semantic_vad';
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  idle_timeout_ms: number | null;
  create_response: boolean;
  interrupt_response: boolean;
}

export interface RealtimeFunctionTool {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface RealtimeSessionConfig {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: Array<'audio' | 'text'>;
  instructions: string;
  tools: RealtimeFunctionTool[];
  tool_choice: string;
  max_output_tokens: number | 'inf';
  tracing: null;
  truncation: 'auto';
  prompt: null;
  expires_at: number;
  include: null;
  audio: {
    input: {
      format: RealtimeAudioFormat;
      transcription: null | { model: string; language?: string; prompt?: string };
      noise_reduction: null;
      turn_detection: RealtimeTurnDetection | null;
    };
    output: { format: RealtimeAudioFormat; voice: string; speed: number };
  };
}

export const PCM_24K: RealtimeAudioFormat = { type: 'audio/pcm', rate: 24000 };

/** Sample rate of a format on the wire. */
export function formatRate(format: RealtimeAudioFormat): number {
  return format.type === 'audio/pcm' ? 24000 : 8000;
}

/** Reads a client's format object; undefined when it is not one we speak. */
export function parseAudioFormat(value: unknown): RealtimeAudioFormat | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, rate } = value as { type?: unknown; rate?: unknown };
  if (type === 'audio/pcm' && (rate === undefined || rate === 24000)) return PCM_24K;
  if (type === 'audio/pcmu') return { type: 'audio/pcmu' };
  if (type === 'audio/pcma') return { type: 'audio/pcma' };
  return undefined;
}
