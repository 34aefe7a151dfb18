import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeTranscript } from '../../../engine/audio/wer.ts';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { RtpAudioSender } from '../../../server/transports/webrtc/RtpAudioSender.ts';
import { loadSpeechFixture } from '../../fixtures/speech/speechFixtures.ts';
import { waitFor } from '../helpers/testServer.ts';
import { ImpairedPath } from './ImpairedPath.ts';
import { arrivalsOf, type PlayoutReport, playout } from './playout.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';
import type { DirectionStats, Impairment } from './UdpImpairmentRelay.ts';

/** graphs/voice-agent.json: local VAD, pocketsphinx, rules and Flite, so a real transcript. */
export function voiceAgentGraph(): unknown {
  const root = path.resolve(import.meta.dirname, '../../..');
  return JSON.parse(readFileSync(path.join(root, 'graphs/voice-agent.json'), 'utf8'));
}

export interface ImpairedCallResult {
  /** Per fixture: the reference and the final transcript the graph produced ('' if none). */
  heard: Array<{ reference: string; hypothesis: string }>;
  /** The bot's audio as a listener with a `playoutDelayMs` jitter buffer hears it. */
  playout: PlayoutReport;
  relay: { up: DirectionStats; down: DirectionStats };
}

type Message = SmallWebRtcClient['messages'][number];
const isFinal = (m: Message) =>
  m.type === 'user-transcription' && (m.data as { final?: boolean }).final === true;

/**
 * One SmallWebRTC call to the voice-agent graph through an impaired path: each fixture is
 * spoken as Opus (real time, 20 ms packets), then the call waits for its final transcript
 * and for the bot's reply to finish before the next, so replies are heard whole.
 */
export async function impairedCall(options: {
  serverUrl: string;
  graph: string;
  up: Impairment;
  down: Impairment;
  fixtures: string[];
  playoutDelayMs: number;
}): Promise<ImpairedCallResult> {
  const route = await ImpairedPath.start(options.serverUrl, options.up, options.down);
  const client = new SmallWebRtcClient({ url: route.url, graph: options.graph });
  // The whole utterance is queued at once; the sender paces it at 20 ms a packet.
  const mic = new RtpAudioSender(client.micTrack, { logger: silentLogger, maxQueueMs: 60_000 });
  try {
    const { status } = await client.connect();
    if (status !== 200) throw new Error(`offer answered ${status}`);
    await waitFor(() => client.channel?.readyState === 'open', 15_000, 'data channel open');
    client.rtvi('client-ready', {});
    await waitFor(() => client.messages.some((m) => m.type === 'bot-ready'), 30_000, 'bot-ready');
    mic.start();
    const heard: ImpairedCallResult['heard'] = [];
    for (const file of options.fixtures) {
      const { reference, samples } = loadSpeechFixture(file);
      const from = client.messages.length;
      const since = () => client.messages.slice(from);
      mic.push(samples, 16000);
      mic.push(new Int16Array(16000), 16000); // 1 s of silence ends the turn
      let hypothesis = '';
      try {
        await waitFor(() => since().some(isFinal), 20_000, `transcript of ${file}`);
        hypothesis = (since().find(isFinal)?.data as { text?: string } | undefined)?.text ?? '';
        await waitFor(
          () => since().some((m) => m.type === 'bot-stopped-speaking'),
          20_000,
          `reply to ${file}`,
        );
      } catch {
        // Nothing heard (or no reply): an empty hypothesis counts every word as an error.
      }
      heard.push({ reference, hypothesis });
    }
    await new Promise((r) => setTimeout(r, 300)); // the reply's last packets in flight
    return {
      heard,
      playout: playout(arrivalsOf(client.rtp, client.rtpAt), options.playoutDelayMs),
      relay: route.relay?.stats ?? {
        up: { media: 0, dropped: 0, reordered: 0, other: 0 },
        down: { media: 0, dropped: 0, reordered: 0, other: 0 },
      },
    };
  } finally {
    mic.stop();
    await client.close();
    await route.close();
  }
}

/** Share of the reference's words found in the hypothesis (order-free): "recognisable". */
export function wordsRecognised(pairs: ReadonlyArray<{ reference: string; hypothesis: string }>) {
  let found = 0;
  let total = 0;
  for (const { reference, hypothesis } of pairs) {
    const said = new Set(normalizeTranscript(hypothesis));
    for (const word of normalizeTranscript(reference)) {
      total++;
      if (said.has(word)) found++;
    }
  }
  return total === 0 ? 0 : found / total;
}
