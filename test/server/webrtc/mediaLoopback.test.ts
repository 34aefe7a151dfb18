import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, type RtpHeader } from 'werift';
import { Resampler, silentLogger } from '#engine';
import { RtpAudioReceiver } from '../../../server/transports/webrtc/RtpAudioReceiver.ts';
import { RtpAudioSender } from '../../../server/transports/webrtc/RtpAudioSender.ts';
import { analyseTone, tone } from './mediaTone.ts';

const opus = () =>
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function rms(pcm: Int16Array): number {
  let sq = 0;
  for (const s of pcm) sq += s * s;
  return Math.sqrt(sq / Math.max(1, pcm.length)) / 32768;
}

/** Two werift peers on loopback, as in scripts/spikes/webrtc-loopback.ts: A sends, B receives. */
describe('RtpAudioSender → werift → RtpAudioReceiver (loopback)', () => {
  const a = new RTCPeerConnection({ codecs: { audio: [opus()], video: [] } });
  const b = new RTCPeerConnection({ codecs: { audio: [opus()], video: [] } });
  const track = new MediaStreamTrack({ kind: 'audio' });
  const headers: RtpHeader[] = [];
  const frames: Int16Array[] = [];
  let sender: RtpAudioSender;
  let receiver: RtpAudioReceiver | undefined;

  beforeAll(async () => {
    a.addTransceiver(track, { direction: 'sendonly' });
    b.onTrack.subscribe((remote) => {
      remote.onReceiveRtp.subscribe((rtp) => headers.push(rtp.header));
      receiver = new RtpAudioReceiver(remote, (pcm) => frames.push(pcm), { logger: silentLogger });
    });
    await a.setLocalDescription(await a.createOffer());
    await until(() => a.iceGatheringState === 'complete', 5000, 'A gathering');
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await until(() => b.iceGatheringState === 'complete', 5000, 'B gathering');
    await a.setRemoteDescription(b.localDescription!);
    await until(
      () => a.connectionState === 'connected' && b.connectionState === 'connected',
      10_000,
      'connected',
    );
    // The first resampler build compiles WebAssembly (~200 ms): not what this test measures.
    (await Resampler.create(16000, 48000)).destroy();
    sender = new RtpAudioSender(track, { logger: silentLogger });
    sender.start();
  }, 15_000);

  afterAll(async () => {
    sender?.stop();
    receiver?.stop();
    await a.close();
    await b.close();
  });

  it('sends silence while idle, on a continuous RTP clock', async () => {
    await until(() => headers.length >= 10, 2000, 'idle packets');
    expect(frames.length).toBeGreaterThanOrEqual(10);
    expect(frames.slice(3).every((pcm) => rms(pcm) === 0)).toBe(true);
  });

  it('carries 1 s of a 16 kHz tone as ~1 s of 48 kHz audio at the same pitch', async () => {
    const start = frames.length;
    for (let i = 0; i < 10; i++) sender.push(tone(440, 16000, 1600), 16000);
    // Until the sender's queue has drained and the last packets have landed.
    await sleep(900);
    await until(() => sender.queuedMs === 0, 2000, 'the tone sent');
    await sleep(100);
    const audible = frames.slice(start).filter((pcm) => rms(pcm) > 0.1);
    const seconds = audible.reduce((n, pcm) => n + pcm.length, 0) / 48000;
    expect(seconds).toBeGreaterThan(0.9); // minus the resampler's delay, and a dropped frame
    expect(seconds).toBeLessThan(1.04);
    const result = analyseTone(audible, 48000);
    expect(Math.abs(result.hz - 440)).toBeLessThan(10);
    expect(result.rms).toBeGreaterThan(0.17);
    expect(receiver?.stats.concealed).toBe(0);
  });

  it('clear() stops the tone within one frame', async () => {
    sender.push(tone(440, 16000, 16000), 16000);
    await sleep(200);
    expect(rms(frames.at(-1)!)).toBeGreaterThan(0.1);
    sender.clear();
    // Packets already on the wire still play; every packet sent after clear() is quiet.
    const onTheWire = sender.stats.packets - headers.length;
    const cleared = frames.length;
    await sleep(100);
    const after = frames.slice(cleared + onTheWire);
    expect(onTheWire).toBeLessThanOrEqual(2);
    expect(after.length).toBeGreaterThan(3);
    // The first packet after clear() carries only the codec's overlap (a few ms of the tone,
    // fading out; coded at 16 kHz it rings a little longer than at 48 kHz)…
    expect(rms(after[0].subarray(480))).toBeLessThan(0.02);
    // …and every later one is silent.
    expect(after.slice(1).every((pcm) => rms(pcm) < 0.01)).toBe(true);
  });

  it('numbers packets continuously: sequence +1, timestamp +960', () => {
    expect(headers.length).toBeGreaterThan(70);
    let extraFrames = 0;
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i].sequenceNumber).toBe((headers[i - 1].sequenceNumber + 1) & 0xffff);
      const step = (headers[i].timestamp - headers[i - 1].timestamp) >>> 0;
      // 960, unless the event loop stalled: then the lost time shows in the timestamp.
      expect(step % 960).toBe(0);
      extraFrames += step / 960 - 1;
    }
    expect(extraFrames).toBe(sender.stats.skippedFrames);
    // Only a stalled event loop skips; a loaded machine may stall a few times.
    expect(sender.stats.skippedFrames).toBeLessThan(headers.length / 4);
  });
});
