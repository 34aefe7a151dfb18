import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpusCodec } from '../../../engine/audio/opus/OpusCodec.ts';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { RtpAudioSender } from '../../../server/transports/webrtc/RtpAudioSender.ts';
import { tone } from '../helpers/echoBotNodes.ts';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** Opus both ways between a werift client and the echo graph. */
describe('WebRTC audio path', () => {
  let t: TestServer;
  let c: SmallWebRtcClient;
  let mic: RtpAudioSender | undefined;
  const codec = new OpusCodec();

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    mic?.stop();
    await c?.close();
    codec.destroy();
    await t.close();
  });

  it('plays the echo reply as decodable Opus and hears the microphone', {
    timeout: 20_000,
  }, async () => {
    c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
    expect((await c.connect()).status).toBe(200);
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    c.rtvi('client-ready', {});
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');

    // Text turn: the reply's tone arrives as Opus RTP with real content, paced.
    const before = c.rtp.length;
    c.rtvi('send-text', { content: 'hello' });
    await waitFor(
      () => c.messages.some((m) => m.type === 'bot-stopped-speaking'),
      8000,
      'reply to finish',
    );
    await new Promise((r) => setTimeout(r, 300));
    const loud = c.rtp
      .slice(before)
      .map((p) => rms(codec.decode(p.payload)))
      .filter((level) => level > 1000);
    // The echo bot speaks 1.5 s: ~75 frames of 20 ms, give or take the codec's ramp.
    expect(loud.length).toBeGreaterThan(60);
    expect(loud.length).toBeLessThan(90);

    // Voice turn: 600 ms of tone on the mic track → the echo ear's transcript.
    mic = new RtpAudioSender(c.micTrack, { logger: silentLogger });
    mic.start();
    mic.push(tone(600, 48000, 300, 12000), 48000);
    mic.push(new Int16Array(48000 * 0.5), 48000);
    await waitFor(
      () =>
        c.messages.some(
          (m) =>
            m.type === 'user-transcription' &&
            (m.data as { final?: boolean; text?: string }).final === true,
        ),
      5000,
      'final transcript',
    );
    const final = c.messages.find(
      (m) => m.type === 'user-transcription' && (m.data as { final?: boolean }).final,
    );
    expect(final?.data).toMatchObject({ text: expect.stringMatching(/^heard \d+ ms$/) });

    // Barge in while the reply plays: the bot's audio goes silent at once (sender.clear()).
    const count = (type: string) => c.messages.filter((m) => m.type === type).length;
    await waitFor(() => count('bot-started-speaking') >= 2, 3000, 'second reply to start');
    await new Promise((r) => setTimeout(r, 300));
    mic.push(tone(100, 48000, 300, 12000), 48000);
    await waitFor(() => count('user-started-speaking') >= 2, 3000, 'barge-in');
    const bargeInAt = c.messages.filter((m) => m.type === 'user-started-speaking')[1].at ?? 0;
    await new Promise((r) => setTimeout(r, 400));
    // One decoder over every packet in order: Opus is stateful, a subset would decode wrong.
    const decoder = new OpusCodec();
    const levels = c.rtp.map((p) => rms(decoder.decode(p.payload)));
    decoder.destroy();
    // Until the bot answers the barge-in (the 100 ms "speech" ends, then 300 ms of silence).
    const replyAt =
      c.messages.find((m) => m.type === 'bot-started-speaking' && (m.at ?? 0) > bargeInAt)?.at ??
      Number.POSITIVE_INFINITY;
    // Judged in packet order, not arrival time: on a loaded machine packets sent before the
    // clear() can reach the client after the barge-in message did. What may follow the
    // barge-in is the reply's audio already in flight (a contiguous run, at most ~300 ms),
    // then silence: at least 5 packets of it (100 ms), or all there is before the answer to
    // the barge-in — whose first packet can arrive before its bot-started-speaking message.
    // Without clear() the 1.5 s reply would play on, loud, for far longer than that.
    const after = levels.filter((_level, i) => c.rtpAt[i] > bargeInAt && c.rtpAt[i] < replyAt);
    const inFlight = after.findIndex((level) => level <= 1000);
    expect(inFlight, 'bot audio went quiet after the barge-in').toBeGreaterThanOrEqual(0);
    expect(inFlight, 'loud packets right after the barge-in (in flight)').toBeLessThanOrEqual(15);
    const quiet = after.slice(inFlight);
    const nextLoud = quiet.findIndex((level) => level > 1000);
    expect(nextLoud === -1 ? quiet.length : nextLoud).toBeGreaterThanOrEqual(5);
  });
});
