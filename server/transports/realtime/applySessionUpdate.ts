import { excerpt } from '../logExcerpt.ts';
import type { ClientToolBridge } from './ClientToolBridge.ts';
import type { RealtimeGraphControls } from './RealtimeGraphControls.ts';
import {
  parseAudioFormat,
  type RealtimeAudioFormat,
  type RealtimeFunctionTool,
  type RealtimeSessionConfig,
  type RealtimeTurnDetection,
} from './realtimeSessionConfig.ts';
import { sessionUpdateProblem } from './sessionUpdateLimits.ts';

/** The parts of the session the transport itself keeps (the rest lives in the graph's nodes). */
export interface SessionSettings {
  inputFormat: RealtimeAudioFormat;
  outputFormat: RealtimeAudioFormat;
  tools: RealtimeFunctionTool[];
  toolChoice: string;
  maxOutputTokens: number | 'inf';
  transcription: RealtimeSessionConfig['audio']['input']['transcription'];
}

export interface SessionUpdateOutcome {
  settings: SessionSettings;
  /** Each becomes an `invalid_value` error event; the rest of the update still applies unless `refused`. */
  problems: Array<{ message: string; param: string }>;
  refused: boolean;
}

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;

/**
 * Applies a `session.update` (GA shape: `audio.input/output`, `instructions`,
 * `tools`, …) to the graph and the transport's own settings. Omitted fields
 * keep their value. instructions/voice/turn_detection go to the graph's
 * nodes; tools become client tools on its LLM.
 */
export function applySessionUpdate(
  update: Obj,
  current: SessionSettings,
  controls: RealtimeGraphControls,
  tools: ClientToolBridge,
): SessionUpdateOutcome {
  const problems: SessionUpdateOutcome['problems'] = [];
  if (update.type !== undefined && update.type !== 'realtime') {
    return {
      settings: current,
      refused: true,
      problems: [
        {
          message: `session type '${excerpt(String(update.type), 40)}' is not supported; this endpoint runs 'realtime' sessions`,
          param: 'session.type',
        },
      ],
    };
  }
  // Whole or not at all: a session never holds half of an update that was too big.
  const tooBig = sessionUpdateProblem(update);
  if (tooBig) return { settings: current, refused: true, problems: [tooBig] };
  const settings: SessionSettings = { ...current };
  if (typeof update.instructions === 'string') controls.setInstructions(update.instructions);

  const input = obj(obj(update.audio)?.input);
  const output = obj(obj(update.audio)?.output);
  if (input?.format !== undefined) {
    const format = parseAudioFormat(input.format);
    if (format) settings.inputFormat = format;
    else
      problems.push({
        message: 'audio.input.format must be audio/pcm at 24000 Hz, audio/pcmu or audio/pcma',
        param: 'session.audio.input.format',
      });
  }
  if (output?.format !== undefined) {
    const format = parseAudioFormat(output.format);
    if (format) settings.outputFormat = format;
    else
      problems.push({
        message: 'audio.output.format must be audio/pcm at 24000 Hz, audio/pcmu or audio/pcma',
        param: 'session.audio.output.format',
      });
  }
  if (typeof output?.voice === 'string') controls.setVoice(output.voice);
  if (input && 'transcription' in input) {
    // Transcription is the graph's STT node whatever the client asks; the request is echoed.
    const t = obj(input.transcription);
    settings.transcription = t && typeof t.model === 'string' ? { model: t.model } : null;
  }
  const td = obj(input?.turn_detection);
  if (td) controls.setTurnDetection(td as Partial<RealtimeTurnDetection>);

  if (Array.isArray(update.tools)) {
    const functions: RealtimeFunctionTool[] = [];
    for (const [i, raw] of update.tools.entries()) {
      const t = obj(raw);
      if (
        t?.type !== 'function' ||
        typeof t.name !== 'string' ||
        !/^[A-Za-z0-9_-]{1,64}$/.test(t.name)
      ) {
        problems.push({
          message: 'only function tools with a name of letters, digits, _ and - are supported',
          param: `session.tools[${i}]`,
        });
        continue;
      }
      functions.push({
        type: 'function',
        name: t.name,
        description: typeof t.description === 'string' ? t.description : '',
        parameters: obj(t.parameters) ?? { type: 'object', properties: {} },
      });
    }
    if (!controls.setClientTools(tools.declare(functions)) && functions.length > 0) {
      problems.push({
        message: 'this graph has no LLM node that accepts tools; the tools are not used',
        param: 'session.tools',
      });
    }
    settings.tools = functions;
  }
  if (typeof update.tool_choice === 'string') settings.toolChoice = update.tool_choice;
  if (typeof update.max_output_tokens === 'number' || update.max_output_tokens === 'inf')
    settings.maxOutputTokens = update.max_output_tokens;
  return { settings, problems, refused: false };
}
