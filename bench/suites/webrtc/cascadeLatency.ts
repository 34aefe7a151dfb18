/**
 * Voice-to-voice and interruption stop through each transport, timed at the client, on the
 * latency suite's fake cascade (`fakeCascadeGraph(urls, PREEMPTIVE)`: Silero, pocketsphinx,
 * llm.openai and tts.openai on the fake cloud). One session at a time in the clients
 * process runs the conversation of converse.ts; sessions alternate WS, WebRTC, WS, WebRTC
 * so both see the same machine; each session's first turn is a warm-up and dropped.
 */
import { median } from '../../lib/results.ts';
import type { TransportClients } from './TransportClients.ts';
import type { Transport } from './voiceClients.ts';

// Four sessions of five counted turns per transport: a median of 20, steady to ~10 ms here.
const ROUNDS = 4;
const TURNS_PER_SESSION = 6;

const round = (v: number) => Math.round(v * 10) / 10;
const list = (values: number[]) => values.map((v) => Math.round(v)).join(', ');

export async function measureCascadeLatency(
  clients: TransportClients,
  baseUrl: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  log(
    `  voice-to-voice and barge-in at the client, fake cascade, ${ROUNDS} sessions × ${TURNS_PER_SESSION} turns per transport`,
  );
  const v2v: Record<Transport, number[]> = { ws: [], webrtc: [] };
  // By fixture too (the conversation alternates two, turn i says fixture i % 2): their
  // v2v differ by ~60 ms, so the median of the pooled turns can fall between the two and
  // jump with how many of each it holds. The difference is taken fixture by fixture.
  const byFixture: Record<Transport, [number[], number[]]> = { ws: [[], []], webrtc: [[], []] };
  const stop: Record<Transport, number[]> = { ws: [], webrtc: [] };
  let unanswered = 0;
  for (let r = 0; r < ROUNDS; r++)
    for (const transport of ['ws', 'webrtc'] as const) {
      const result = await clients.request(
        { kind: 'converse', transport, baseUrl, graph: 'cascade', turns: TURNS_PER_SESSION },
        'conversed',
      );
      v2v[transport].push(...result.v2vMs.slice(1));
      result.v2vMs.forEach((ms, i) => {
        if (i > 0) byFixture[transport][i % 2].push(ms);
      });
      stop[transport].push(...result.interruptStopMs);
      unanswered += result.unanswered;
      log(
        `    ${transport.padEnd(6)} v2v ${list(result.v2vMs)} ms (first = warm-up); interruption stop ${list(result.interruptStopMs)} ms; unanswered ${result.unanswered}${result.errors.length ? `; errors ${result.errors.slice(0, 2).join('; ')}` : ''}`,
      );
    }
  const v2vWs = median(v2v.ws);
  const v2vWebrtc = median(v2v.webrtc);
  const differences = [0, 1].map((f) => median(byFixture.webrtc[f]) - median(byFixture.ws[f]));
  log(
    `    by fixture, median v2v WS / WebRTC: ${[0, 1]
      .map((f) => `${round(median(byFixture.ws[f]))} / ${round(median(byFixture.webrtc[f]))} ms`)
      .join('; ')}`,
  );
  return {
    v2vWsMs: round(v2vWs),
    v2vWebrtcMs: round(v2vWebrtc),
    v2vWebrtcMinusWsMs: round((differences[0] + differences[1]) / 2),
    v2vWebrtcToWsRatio: Math.round((v2vWebrtc / v2vWs) * 100) / 100,
    interruptStopWsMs: round(median(stop.ws)),
    interruptStopWebrtcMs: round(median(stop.webrtc)),
    conversationUnanswered: unanswered,
  };
}
