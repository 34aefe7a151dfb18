/**
 * N users talking at once (clients process), judged on what they would notice — the
 * client-side counterpart of latency/capacity.ts's criteria. Each session says an
 * utterance, waits for the whole answer (nothing audible for 600 ms), pauses 400 ms, again;
 * sessions start staggered over 3 s so turns do not line up. Over the window:
 *
 * - gaps in the bot's audio: chunks play back to back as they arrive; a chunk that continues
 *   an answer is late by how long after the previous one finished playing it arrived.
 *   Pass: p99 ≤ 20 ms, and at most 1 chunk in 500 later than 40 ms (an audible gap;
 *   the 40 ms the server sends ahead over the WebSocket, or a small jitter buffer);
 * - every utterance that ended in the window answered (audible bot audio) within 5 s;
 * - no errors (RTVI `error`, dropped connections, failed connects).
 */
import { ClientMic, MicTicker } from './ClientMic.ts';
import type { Utterance } from './micPackets.ts';
import { ReceivedAudio } from './ReceivedAudio.ts';
import type { VoiceClient } from './voiceClients.ts';

export interface TalkResult {
  lateP99Ms: number;
  /** Chunks more than 40 ms late / chunks judged. */
  underruns: number;
  chunks: number;
  answered: number;
  unanswered: number;
  /** End of speech → first audible answer, median, ms. */
  answerP50Ms: number;
  errors: string[];
  /** Microphone ticks this process fired more than 20 ms late (it could not keep up). */
  lateTicks: number;
}

const ANSWER_TIMEOUT_MS = 5000;
const QUIET_MS = 600;
const PAUSE_MS = 400;
const STAGGER_MS = 3000;
const LATE_LIMIT_MS = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function talk(
  clients: VoiceClient[],
  utterances: Utterance[],
  silence: Uint8Array,
  warmupMs: number,
  windowMs: number,
): Promise<TalkResult> {
  const ticker = new MicTicker();
  const audios = clients.map((c) => new ReceivedAudio(c.playoutMs));
  clients.forEach((c, i) => {
    c.onAudible = (at, ms) => audios[i].add(at, ms);
    ticker.members.add(new ClientMic(c, silence));
  });
  const mics = [...ticker.members];
  let running = true;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let awaited = 0;
  const answerMs: number[] = [];
  let unanswered = 0;
  const loop = async (i: number) => {
    await sleep((i / clients.length) * STAGGER_MS);
    for (let turn = 0; running; turn++) {
      const said = await mics[i].say(utterances[(i + turn) % utterances.length]);
      const judged = said.endAt >= windowStart && said.endAt <= windowEnd;
      if (judged) awaited++;
      const first = await audios[i].firstAfter(said.endAt, ANSWER_TIMEOUT_MS);
      if (judged) {
        awaited--;
        if (first) answerMs.push(first.at - said.endAt);
        else unanswered++;
      }
      await audios[i].quiet(QUIET_MS, 10_000);
      audios[i].trim(performance.now() - 10_000);
      await sleep(PAUSE_MS);
    }
  };
  ticker.start();
  const loops = clients.map((_, i) => loop(i));
  const lateTicks0 = ticker.lateTicks;
  await sleep(warmupMs);
  windowStart = performance.now();
  await sleep(windowMs);
  windowEnd = performance.now();
  const lateMs = audios.flatMap((a) =>
    a.chunks.filter((c) => !c.startsAnswer && c.at >= windowStart && c.at <= windowEnd),
  );
  const lateTicks = ticker.lateTicks - lateTicks0;
  // Utterances from the end of the window get their answer (or time out) under the same load.
  const due = performance.now() + ANSWER_TIMEOUT_MS + 500;
  while (awaited > 0 && performance.now() < due) await sleep(50);
  running = false;
  ticker.stop();
  void Promise.allSettled(loops); // loops waiting on a stopped microphone never return
  const late = lateMs.map((c) => c.lateMs);
  return {
    lateP99Ms: percentile(late, 99),
    underruns: late.filter((l) => l > LATE_LIMIT_MS).length,
    chunks: late.length,
    answered: answerMs.length,
    unanswered,
    answerP50Ms: percentile(answerMs, 50),
    errors: clients.flatMap((c) => c.errors),
    lateTicks,
  };
}
