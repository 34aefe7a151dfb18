/**
 * One session, real time: the user asks, the bot answers, and 800 ms into
 * each answer the user asks again, barging in. Every turn yields a
 * voice-to-voice time (from the LatencyObserver's TurnRecord) and every
 * barge-in an interruption time: from the onset of the user's speech in the
 * input audio to the end of the last bot audio the client got (what it had
 * already been handed, up to maxAheadMs, plays out).
 */
import type { TurnRecord } from '#engine';
import { BenchSession, sleep } from './BenchSession.ts';
import type { RealtimeMic } from './RealtimeMic.ts';

export interface ConversationResult {
  turns: TurnRecord[];
  interruptStopMs: number[];
  /** Turns that got no answer within the timeout. */
  unanswered: number;
  errors: string[];
}

const BARGE_IN_AFTER_MS = 800;
const ANSWER_TIMEOUT_MS = 8000;

export async function converse(
  graph: unknown,
  mic: RealtimeMic,
  utterances: Int16Array[],
  cycles: number,
  env: Record<string, string> = {},
): Promise<ConversationResult> {
  const session = await BenchSession.open(graph, mic, { env, sessionId: 'latency-bench' });
  const interruptStopMs: number[] = [];
  let unanswered = 0;
  try {
    await sleep(300); // a moment of room tone, as a client connects before talking
    for (let i = 0; i < cycles; i++) {
      const said = await session.mic.say(utterances[i % utterances.length]);
      if (i > 0) {
        const stopMs = interruptionAfter(session, said.onsetAt);
        if (stopMs !== undefined) interruptStopMs.push(stopMs);
      }
      const first = await session.firstAudioAfter(said.endAt, ANSWER_TIMEOUT_MS);
      if (!first) {
        unanswered++;
        await session.botQuiet(ANSWER_TIMEOUT_MS);
        continue;
      }
      await sleep(BARGE_IN_AFTER_MS);
    }
    await session.botQuiet(ANSWER_TIMEOUT_MS);
  } finally {
    session.close();
  }
  session.observer.flush();
  return { turns: session.observer.records, interruptStopMs, unanswered, errors: session.errors };
}

/**
 * The interrupt that followed the speech onset: the client stops hearing the
 * bot when the last chunk handed out before it finishes playing. Undefined if
 * the bot was not speaking at the onset or was never interrupted.
 */
function interruptionAfter(session: BenchSession, onsetAt: number): number | undefined {
  const interrupt = session.left.find((l) => l.type === 'interrupt' && l.at >= onsetAt);
  if (!interrupt) return undefined;
  const handed = session.chunks.filter((c) => c.handedAt <= interrupt.at);
  const playingAtOnset = handed.some((c) => c.startsAt + c.durationMs > onsetAt);
  if (!playingAtOnset) return undefined;
  const lastEnd = Math.max(...handed.map((c) => c.startsAt + c.durationMs));
  return lastEnd - onsetAt;
}
