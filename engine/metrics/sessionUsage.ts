/**
 * A session's (or any set of turns') usage and cost: totals per node, and
 * cost per minute of conversation, the figure that compares a cascade with a
 * speech-to-speech model. Browser-safe: the editor's latency dock uses it.
 */
import type { TurnRecord } from './TurnRecord.ts';
import { sumUsage, type TurnUsage } from './Usage.ts';

export interface UsageSummary {
  turns: number;
  usage: TurnUsage;
  /** Undefined when no turn was priced. */
  costUsd?: number;
  /** Wall-clock minutes the turns span. */
  minutes: number;
  /** costUsd ÷ minutes; undefined without a cost or a duration. */
  costPerMinuteUsd?: number;
}

/**
 * Sums `records`. `minutes` is the conversation's wall-clock length when the
 * caller knows it (a session's start to now); otherwise the span from the
 * first turn's speech to the end of the last reply.
 */
export function summarizeUsage(records: readonly TurnRecord[], minutes?: number): UsageSummary {
  const priced = records.filter((r) => r.costUsd !== undefined);
  const costUsd = priced.length ? priced.reduce((sum, r) => sum + (r.costUsd ?? 0), 0) : undefined;
  const span = minutes ?? spanMinutes(records);
  return {
    turns: records.length,
    usage: sumUsage(records.map((r) => r.usage)),
    costUsd,
    minutes: span,
    costPerMinuteUsd: costUsd !== undefined && span > 0 ? costUsd / span : undefined,
  };
}

function spanMinutes(records: readonly TurnRecord[]): number {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    const start = r.userSpeechStartAt ?? r.userSpeechEndAt;
    if (start !== undefined) first = Math.min(first, start);
    if (r.userSpeechEndAt === undefined) continue;
    // The reply's end when it was heard out, else its first audio, else the end of speech.
    const after = r.botSpeechEndMs ?? r.voiceToVoiceMs ?? 0;
    last = Math.max(last, r.userSpeechEndAt + after);
  }
  return last > first ? (last - first) / 60_000 : 0;
}
