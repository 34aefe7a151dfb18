import { type ConversationTurn, conversationTurns } from '../recording/conversationTurns.ts';
import type { ScenarioRun } from './runScenario.ts';

/** What happened in one scenario turn, from its start to the next turn's. */
export interface ScenarioTurnFacts {
  /** How many user turns the graph's VAD made of it (0: it heard nothing; 2: it split it). */
  heardAs: number;
  heard: string;
  said: string;
  tools: ConversationTurn['tools'];
  voiceToVoiceMs?: number;
  /** The hops of the detected turn that gave `voiceToVoiceMs`: where the time went. */
  hops?: ConversationTurn['hops'];
  interruptionMs?: number;
}

/**
 * The VAD's onset can be placed a window or so before the audio's first
 * sample (it reaches back over its padding); a turn that started this
 * little before a scenario turn is still that scenario turn's.
 */
const ONSET_SLACK_MS = 100;

/**
 * The run's conversation (`conversationTurns`: one per user turn the graph
 * detected, with what was heard, said and called in it) grouped by scenario
 * turn: a detected turn belongs to the scenario turn whose speech it started in.
 */
export function scenarioTurnFacts(run: ScenarioRun): ScenarioTurnFacts[] {
  const detected = conversationTurns(run.recording.meta).filter((t) => t.turn > 0);
  return run.turnStarts.map((start, i) => {
    const next = run.turnStarts[i + 1];
    const mine =
      start === undefined
        ? []
        : detected.filter(
            (t) =>
              t.startMs !== undefined &&
              t.startMs >= start - ONSET_SLACK_MS &&
              (next === undefined || t.startMs < next - ONSET_SLACK_MS),
          );
    const answered = mine.find((t) => t.voiceToVoiceMs !== undefined);
    return {
      heardAs: mine.length,
      heard: joinText(mine.map((t) => t.heard)),
      said: joinText(mine.map((t) => t.said)),
      tools: mine.flatMap((t) => t.tools),
      voiceToVoiceMs: answered?.voiceToVoiceMs,
      hops: answered?.hops,
      interruptionMs: mine.find((t) => t.interruptionMs !== undefined)?.interruptionMs,
    };
  });
}

function joinText(parts: string[]): string {
  return parts.filter(Boolean).join(' ');
}
