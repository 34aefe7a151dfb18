import type { Attributes } from '@opentelemetry/api';
import { HOP_ORDER, type HopName, type TurnRecord } from '#engine';

/** A span to be, in the session clock's milliseconds (monotonic, `performance.now()`). */
export interface TimedSpan {
  name: string;
  startAt: number;
  endAt: number;
  attributes: Attributes;
  isError?: boolean;
}

export interface TurnTimeline {
  turn: TimedSpan;
  /** The turn's STT / LLM / TTS (or speech-to-speech) requests and tool calls, children of `turn`. */
  children: TimedSpan[];
}

/** Which hop of the turn record marks each service's first output. */
const SERVICE_HOPS: ReadonlyArray<{ role: string; hop: HopName }> = [
  { role: 'stt', hop: 'sttFinalMs' },
  { role: 'llm', hop: 'llmFirstTokenMs' },
  { role: 'tts', hop: 'ttsFirstAudioMs' },
];

const SERVICE_FAMILIES = new Set(['stt', 'llm', 'tts', 's2s']);

/**
 * Lays a finished turn record out as spans. The record holds every hop's time
 * (ms after the end of the user's speech), so the spans cost nothing while
 * the turn runs and carry the engine's own measurements. A service span runs
 * from when that service was handed the turn to its first output: the part
 * of its work that voice-to-voice latency waits for.
 *
 * `emittedAt`: when the record was reported (the session clock's now). An
 * interrupted reply is reported the moment its audio stopped, so that is its end.
 */
export function turnTimeline(
  record: TurnRecord,
  nodeType: (nodeId: string) => string | undefined,
  emittedAt: number,
): TurnTimeline {
  const speechEnd = record.userSpeechEndAt;
  const at = (ms: number | undefined) =>
    speechEnd === undefined || ms === undefined ? undefined : speechEnd + ms;
  const startAt = record.userSpeechStartAt ?? speechEnd ?? emittedAt;
  const lastKnown = Math.max(
    speechEnd ?? startAt,
    ...HOP_ORDER.map((h) => at(record.hops[h]) ?? startAt),
    at(record.botSpeechEndMs) ?? startAt,
    ...record.tools.map((t) => at(t.endMs ?? t.startMs) ?? startAt),
  );
  const endAt = record.interrupted || speechEnd === undefined ? emittedAt : lastKnown;
  const turn: TimedSpan = {
    name: 'turn',
    startAt,
    endAt: Math.max(startAt, endAt),
    attributes: turnAttributes(record),
  };
  if (speechEnd === undefined) return { turn, children: [] };

  const services = new Map<string, TimedSpan>();
  for (const { role, hop } of SERVICE_HOPS) {
    const nodeId = record.nodes[hop];
    const outputAt = at(record.hops[hop]);
    if (nodeId === undefined || outputAt === undefined) continue;
    const requestAt = serviceRequestAt(role, record, speechEnd) ?? outputAt;
    const existing = services.get(nodeId);
    if (existing) {
      // A speech-to-speech node makes both the text and the audio: one span for its one request.
      existing.startAt = Math.min(existing.startAt, requestAt);
      existing.endAt = Math.max(existing.endAt, outputAt);
      continue;
    }
    const type = nodeType(nodeId);
    const family = type?.split('.')[0];
    services.set(nodeId, {
      name: family && SERVICE_FAMILIES.has(family) ? family : role,
      startAt: Math.min(requestAt, outputAt),
      endAt: outputAt,
      attributes: serviceAttributes(record, nodeId, type, outputAt - speechEnd),
    });
  }
  const tools = record.tools.map(
    (tool): TimedSpan => ({
      name: 'tool',
      startAt: speechEnd + tool.startMs,
      endAt: speechEnd + (tool.endMs ?? tool.startMs),
      attributes: {
        'parley.tool.name': tool.name,
        'parley.tool.finished': tool.endMs !== undefined,
      },
      isError: tool.isError === true,
    }),
  );
  return { turn, children: [...services.values(), ...tools] };
}

/** When the service was handed this turn: speech start for a recogniser (it hears the speech as it comes). */
function serviceRequestAt(role: string, record: TurnRecord, speechEnd: number): number | undefined {
  const after = (ms: number | undefined) => (ms === undefined ? undefined : speechEnd + ms);
  if (role === 'stt') return record.userSpeechStartAt;
  // Without a recogniser (speech-to-speech) the model was handed the turn when the speech ended.
  if (role === 'llm') return after(record.userTurnEndMs ?? record.hops.sttFinalMs ?? 0);
  return after(record.hops.firstSentenceMs ?? record.hops.llmFirstTokenMs);
}

function turnAttributes(record: TurnRecord): Attributes {
  const attributes: Attributes = {
    'parley.turn.number': record.turn,
    'parley.turn.interrupted': record.interrupted,
  };
  const optional: Record<string, number | undefined> = {
    'parley.turn.voice_to_voice_ms': record.voiceToVoiceMs,
    'parley.turn.interruption_ms': record.interruptionMs,
    'parley.turn.user_turn_end_ms': record.userTurnEndMs,
    'parley.turn.end_of_turn_hold_ms': record.endOfTurnHoldMs,
    'parley.turn.llm_preemptive_wait_ms': record.llmPreemptiveWaitMs,
    'parley.turn.bot_speech_end_ms': record.botSpeechEndMs,
    'parley.turn.false_interruptions': record.falseInterruptions,
    'parley.turn.cost_usd': record.costUsd,
  };
  for (const hop of HOP_ORDER) optional[`parley.turn.${snakeCase(hop)}`] = record.hops[hop];
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) attributes[key] = value;
  return attributes;
}

function serviceAttributes(
  record: TurnRecord,
  nodeId: string,
  type: string | undefined,
  outputAfterSpeechEndMs: number,
): Attributes {
  const attributes: Attributes = {
    'parley.node.id': nodeId,
    'parley.node.type': type ?? 'unknown',
    'parley.first_output_after_speech_end_ms': outputAfterSpeechEndMs,
  };
  const ttfb = record.ttfbMs[nodeId];
  if (ttfb !== undefined) attributes['parley.ttfb_ms'] = ttfb;
  const usage = record.usage?.[nodeId];
  if (usage)
    for (const [key, value] of Object.entries(usage))
      if (typeof value === 'number') attributes[`parley.usage.${snakeCase(key)}`] = value;
  return attributes;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
