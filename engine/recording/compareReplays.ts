import { HOP_ORDER, type HopName } from '../metrics/TurnRecord.ts';
import { type ConversationTurn, conversationTurns } from './conversationTurns.ts';
import type { Recording } from './RecordingFormat.ts';
import type { ReplayResult } from './replayRecording.ts';

/** What can differ between two runs of one conversation. */
export type DifferenceKind =
  | 'turns'
  | 'heard'
  | 'said'
  | 'tools'
  | 'toolNotInRecording'
  | 'interrupted'
  | 'latency'
  | 'errors';

export interface LatencyComparison {
  old?: number;
  new?: number;
  /** new − old, when both exist. */
  deltaMs?: number;
  /** Beyond the noise band, or present in only one run. */
  differs: boolean;
}

export interface TurnComparison {
  turn: number;
  old?: ConversationTurn;
  new?: ConversationTurn;
  voiceToVoice: LatencyComparison;
  hops: Record<HopName, LatencyComparison>;
  /** What differs in this turn; empty when old and new agree. */
  differences: DifferenceKind[];
}

export interface Comparison {
  old: { graph: string; revision: string; id: string };
  new: { graph: string; revision: string; id: string };
  /** Latency differences within ± this many ms are not marked. */
  latencyNoiseMs: number;
  turns: TurnComparison[];
  /** Every kind of difference found, once each; empty when the runs agree. */
  differences: DifferenceKind[];
  /** Median voice-to-voice change over turns that have it in both runs (ms). */
  medianVoiceToVoiceDeltaMs?: number;
}

export interface CompareOptions {
  /**
   * Latency noise band (ms). Default 150: two real-time runs of one graph on
   * one machine differ by tens of ms (event-loop and decoder scheduling,
   * 20 ms audio chunks, 10 ms VAD windows); a change of a stop delay or a
   * provider is hundreds.
   */
  latencyNoiseMs?: number;
}

type Run = Recording | ReplayResult;

/**
 * Old beside new, turn by turn (aligned by order): what was heard, what was
 * said, which tools were called with which arguments, voice-to-voice and each
 * hop, interruptions. It informs; it is not a verdict.
 */
export function compareReplays(oldRun: Run, newRun: Run, options: CompareOptions = {}): Comparison {
  const noise = options.latencyNoiseMs ?? 150;
  const oldMeta = recordingOf(oldRun).meta;
  const newMeta = recordingOf(newRun).meta;
  const oldTurns = conversationTurns(oldMeta);
  const newTurns = conversationTurns(newMeta);
  const turns: TurnComparison[] = [];
  for (let i = 0; i < Math.max(oldTurns.length, newTurns.length); i++)
    turns.push(compareTurn(oldTurns[i], newTurns[i], noise));
  const differences = [...new Set(turns.flatMap((t) => t.differences))];
  const deltas = turns
    .map((t) => t.voiceToVoice.deltaMs)
    .filter((d): d is number => d !== undefined);
  return {
    old: describe(oldMeta),
    new: describe(newMeta),
    latencyNoiseMs: noise,
    turns,
    differences,
    medianVoiceToVoiceDeltaMs: median(deltas),
  };
}

function compareTurn(
  old: ConversationTurn | undefined,
  now: ConversationTurn | undefined,
  noise: number,
): TurnComparison {
  const voiceToVoice = compareLatency(old?.voiceToVoiceMs, now?.voiceToVoiceMs, noise);
  const hops = Object.fromEntries(
    HOP_ORDER.map((hop) => [hop, compareLatency(old?.hops[hop], now?.hops[hop], noise)]),
  ) as Record<HopName, LatencyComparison>;
  const differences: DifferenceKind[] = [];
  if (!old || !now) differences.push('turns');
  else {
    if (normalize(old.heard) !== normalize(now.heard)) differences.push('heard');
    if (normalize(old.said) !== normalize(now.said)) differences.push('said');
    if (toolsKey(old) !== toolsKey(now)) differences.push('tools');
    if (old.interrupted !== now.interrupted) differences.push('interrupted');
    if (voiceToVoice.differs || Object.values(hops).some((h) => h.differs))
      differences.push('latency');
    if (old.errors.length !== now.errors.length) differences.push('errors');
  }
  if (now?.tools.some((t) => t.notInRecording)) differences.push('toolNotInRecording');
  return { turn: old?.turn ?? now?.turn ?? 0, old, new: now, voiceToVoice, hops, differences };
}

function compareLatency(
  old: number | undefined,
  now: number | undefined,
  noise: number,
): LatencyComparison {
  if (old === undefined || now === undefined)
    return { old, new: now, differs: old !== undefined || now !== undefined };
  const deltaMs = Math.round((now - old) * 10) / 10;
  return { old, new: now, deltaMs, differs: Math.abs(deltaMs) > noise };
}

/** The calls in order, by name and arguments: results may differ in live mode without the call differing. */
function toolsKey(turn: ConversationTurn): string {
  return turn.tools.map((t) => `${t.name}(${t.arguments})${t.isError ? '!' : ''}`).join(' ');
}

/** Case and punctuation are no difference in what was heard or said. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function recordingOf(run: Run): Recording {
  return 'meta' in run ? run : run.recording;
}

function describe(meta: Recording['meta']): Comparison['old'] {
  return { graph: meta.graph.name, revision: meta.graph.revision, id: meta.id };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
