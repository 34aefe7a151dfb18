/**
 * What the user hears over a lossy, jittery network (issue 14, "real networks"): the
 * voice-agent graph (Silero VAD, pocketsphinx, rules, Flite) over WebRTC through a UDP
 * relay that drops a share of RTP packets and delays each by 0–40 ms, both ways
 * (test/server/webrtc/UdpImpairmentRelay.ts). Per condition, one call speaks FIXTURES as
 * Opus and hears the bot's replies. Figures: the microphone's transcript word accuracy
 * (1 − corpus WER), and the bot's audio as a listener with an 80 ms fixed jitter buffer
 * hears it — ms of gap (lost or late packets) per minute of bot speech, the longest gap,
 * and the server's own stalls apart. bench/README.md "Impaired network".
 */
import { corpusWordErrorRate } from '#engine';
import { startRealGraphServer } from '../../../test/server/helpers/realGraphServer.ts';
import { impairedCall, voiceAgentGraph } from '../../../test/server/webrtc/impairedCall.ts';
import type { Impairment } from '../../../test/server/webrtc/UdpImpairmentRelay.ts';

const FIXTURES = ['how-are-you.wav', 'what-time.wav', 'tell-me-a-joke.wav'];
/** About what a browser's adaptive buffer settles on for 40 ms of jitter. */
const PLAYOUT_DELAY_MS = 80;
const CONDITIONS: Array<{ name: string; loss: number; jitterMs: number }> = [
  { name: 'Loss0', loss: 0, jitterMs: 0 },
  { name: 'Loss5', loss: 0.05, jitterMs: 40 },
  { name: 'Loss10', loss: 0.1, jitterMs: 40 },
];

export async function measureImpairedNetwork(
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const server = await startRealGraphServer({ 'voice-agent': voiceAgentGraph() });
  const results: Record<string, number> = {};
  try {
    for (const [i, c] of CONDITIONS.entries()) {
      const way = (seed: number): Impairment => ({ loss: c.loss, jitterMs: c.jitterMs, seed });
      const call = await impairedCall({
        serverUrl: server.url,
        graph: 'voice-agent',
        up: way(100 + i),
        down: way(200 + i),
        fixtures: FIXTURES,
        playoutDelayMs: PLAYOUT_DELAY_MS,
      });
      const p = call.playout;
      const perMin = (ms: number) => (p.speechMs > 0 ? (ms / p.speechMs) * 60_000 : 0);
      const accuracy = Math.max(0, 1 - corpusWordErrorRate(call.heard));
      results[`gapMsPerMinWebrtc${c.name}`] = Math.round(perMin(p.gapMs));
      results[`longestGapMsWebrtc${c.name}`] = p.longestGapMs;
      results[`stallMsPerMinWebrtc${c.name}`] = Math.round(perMin(p.stalledMs));
      results[`wordAccuracyWebrtc${c.name}`] = Math.round(accuracy * 1000) / 1000;
      log(
        `webrtc ${c.name} (${c.loss * 100} % loss, ${c.jitterMs} ms jitter): bot ` +
          `${(p.speechMs / 1000).toFixed(1)} s heard, gaps ${Math.round(perMin(p.gapMs))} ms/min ` +
          `(lost ${p.lostMs} ms, late ${p.lateMs} ms, longest ${p.longestGapMs} ms), server ` +
          `stalls ${p.stalledMs} ms; mic words ${(accuracy * 100).toFixed(0)} % ` +
          `[${call.heard.map((h) => h.hypothesis).join(' | ')}]; relay dropped ` +
          `${call.relay.up.dropped}/${call.relay.up.media} up, ` +
          `${call.relay.down.dropped}/${call.relay.down.media} down`,
      );
    }
  } finally {
    await server.close();
  }
  return results;
}
