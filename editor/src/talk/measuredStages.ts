/**
 * What conversations measured, per latency stage, to set beside the static
 * estimate: the median of each stage's duration over the turns so far, and the
 * median voice-to-voice. Durations come from the same segments the waterfall
 * draws, so the two views agree.
 */
import { type HopName, LATENCY_STAGES, type LatencyStage, type TurnRecord } from '#engine/browser';
import { percentile } from './percentile.ts';
import { waterfallSegments } from './waterfall.ts';

export interface MeasuredStages {
  /** Median duration per stage (ms); a stage no turn measured is absent. */
  stages: Partial<Record<LatencyStage, number>>;
  voiceToVoiceMs?: number;
  turns: number;
}

/** The waterfall segment that ends at each stage. The end-of-turn hold has none: it is reported on its own. */
const STAGE_OF_HOP: Record<HopName, LatencyStage> = {
  vadEndOfSpeechMs: 'vad',
  sttFinalMs: 'stt',
  llmFirstTokenMs: 'llm',
  firstSentenceMs: 'sentence',
  ttsFirstAudioMs: 'tts',
  firstAudioOutMs: 'output',
};

function stageDurations(turn: TurnRecord): Partial<Record<LatencyStage, number>> {
  const out: Partial<Record<LatencyStage, number>> = {};
  for (const segment of waterfallSegments(turn))
    out[STAGE_OF_HOP[segment.hop]] = segment.durationMs;
  const hold = turn.endOfTurnHoldMs;
  if (hold !== undefined) {
    out.turn = hold;
    // The waterfall's LLM segment starts at the final transcript, so it includes the hold; the estimate lists it apart.
    if (out.llm !== undefined) out.llm = Math.max(0, out.llm - hold);
  }
  return out;
}

export function measuredStages(turns: readonly TurnRecord[]): MeasuredStages {
  const perTurn = turns.map(stageDurations);
  const stages: Partial<Record<LatencyStage, number>> = {};
  for (const stage of LATENCY_STAGES) {
    const median = percentile(
      perTurn.map((d) => d[stage]),
      50,
    );
    if (median !== undefined) stages[stage] = median;
  }
  const voiceToVoiceMs = percentile(
    turns.map((t) => t.voiceToVoiceMs),
    50,
  );
  return {
    stages,
    turns: turns.length,
    ...(voiceToVoiceMs !== undefined ? { voiceToVoiceMs } : {}),
  };
}
