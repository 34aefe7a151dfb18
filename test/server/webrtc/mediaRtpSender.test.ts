import { afterEach, describe, expect, it } from 'vitest';
import type { MediaStreamTrack, RtpPacket } from 'werift';
import { silentLogger, VirtualClock } from '#engine';
import { OPUS_FRAME, OpusCodec } from '../../../engine/audio/opus/OpusCodec.ts';
import { RtpAudioSender } from '../../../server/transports/webrtc/RtpAudioSender.ts';
import { analyseTone, tone } from './mediaTone.ts';

/** Stands in for a werift track: records what would go on the wire. */
function fakeTrack(): { track: MediaStreamTrack; packets: RtpPacket[] } {
  const packets: RtpPacket[] = [];
  const track = { writeRtp: (p: RtpPacket) => packets.push(p) } as unknown as MediaStreamTrack;
  return { track, packets };
}

/** Lets the resampler's first (async, WebAssembly) build finish in real time. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
}

/** Decodes in order with a fresh decoder, as a browser would: Opus frames depend on earlier ones */
function decodeAll(packets: RtpPacket[]): Int16Array[] {
  const codec = new OpusCodec();
  try {
    return packets.map((p) => codec.decode(p.payload));
  } finally {
    codec.destroy();
  }
}

/** A clock whose time jumps without firing timers, to play an event-loop stall. */
class StallClock {
  time = 0;
  pending: (() => void) | undefined;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void): { cancel(): void } {
    this.pending = callback;
    return { cancel: () => (this.pending = undefined) };
  }
  fire(): void {
    const run = this.pending;
    this.pending = undefined;
    run?.();
  }
}

function rms(pcm: Int16Array): number {
  let sq = 0;
  for (const s of pcm) sq += s * s;
  return Math.sqrt(sq / Math.max(1, pcm.length)) / 32768;
}

describe('RtpAudioSender (bot audio → Opus RTP on a 20 ms clock)', () => {
  let sender: RtpAudioSender;
  afterEach(() => sender.stop());

  it('sends silence on a continuous RTP clock while idle', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    await clock.advance(1000);
    expect(packets.length).toBe(51); // t = 0, 20, …, 1000
    for (let i = 1; i < packets.length; i++) {
      expect(packets[i].header.sequenceNumber).toBe(
        (packets[i - 1].header.sequenceNumber + 1) & 0xffff,
      );
      expect(packets[i].header.timestamp).toBe((packets[i - 1].header.timestamp + 960) >>> 0);
    }
    expect(packets[0].header.marker).toBe(true);
    expect(packets[1].header.marker).toBe(false);
    expect(sender.stats.silencePackets).toBe(51);
    // After a short fade the constant 3-byte silence frame: no encode per idle tick.
    expect(packets.at(-1)?.payload.length).toBe(3);
    expect(rms(decodeAll(packets).at(-1)!)).toBe(0);
  });

  it('re-chunks a 16 kHz tone into 48 kHz Opus frames that decode to the tone', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    // 1 s in 100 ms chunks, as the graph delivers it.
    for (let i = 0; i < 10; i++) sender.push(tone(440, 16000, 1600), 16000);
    await until(() => sender.queuedMs > 900);
    const before = packets.length;
    await clock.advance(1100);
    const decoded = decodeAll(packets).slice(before);
    const audible = decoded.filter((pcm) => rms(pcm) > 0.05);
    expect(audible.length).toBeGreaterThanOrEqual(48); // ~1 s, minus the resampler's delay
    expect(audible.length).toBeLessThanOrEqual(51);
    // Without the last, padded frame: its silent half would pull the measured pitch down.
    const result = analyseTone(audible.slice(0, -1), 48000);
    expect(Math.abs(result.hz - 440)).toBeLessThan(10);
    expect(result.rms).toBeGreaterThan(0.17);
    expect(sender.queuedMs).toBe(0);
  });

  it('codes 24 kHz directly and resamples only rates libopus cannot take, in order', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock, maxQueueMs: 2000 });
    sender.start();
    // A 24 kHz voice (every TTS here), then a 22.05 kHz one (resampled to 48 kHz), then 24
    // kHz again: each 500 ms at its own pitch, in the order pushed.
    for (let i = 0; i < 5; i++) sender.push(tone(300, 24000, 2400), 24000);
    for (let i = 0; i < 5; i++) sender.push(tone(600, 22050, 2205), 22050);
    for (let i = 0; i < 5; i++) sender.push(tone(900, 24000, 2400), 24000);
    await until(() => sender.queuedMs > 1400);
    const before = packets.length;
    await clock.advance(1600);
    const audible = decodeAll(packets)
      .slice(before)
      .filter((pcm) => rms(pcm) > 0.05);
    expect(audible.length).toBeGreaterThanOrEqual(72); // 1.5 s, minus codec and filter delays
    expect(audible.length).toBeLessThanOrEqual(77);
    // Each voice's middle, clear of the frames where one hands over to the next.
    const pitch = (from: number, to: number) => analyseTone(audible.slice(from, to), 48000, 0).hz;
    expect(Math.abs(pitch(5, 20) - 300)).toBeLessThan(10);
    expect(Math.abs(pitch(30, 45) - 600)).toBeLessThan(10);
    expect(Math.abs(pitch(55, 70) - 900)).toBeLessThan(10);
  });

  it('clear() silences the very next frame', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    sender.push(tone(440, 48000, 48000), 48000); // same rate: no build, queued at once
    await clock.advance(200);
    sender.clear();
    expect(sender.queuedMs).toBe(0);
    const cleared = packets.length;
    await clock.advance(20);
    const decoded = decodeAll(packets);
    expect(rms(decoded[cleared - 1])).toBeGreaterThan(0.1);
    // Opus's overlap carries a few ms of the tone into the next frame; what follows is quiet.
    expect(rms(decoded[cleared].subarray(480))).toBeLessThan(0.01);
    await clock.advance(60);
    expect(packets.at(-1)?.payload.length).toBe(3);
  });

  it('sends the tail of an utterance padded, once no more audio follows', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    await clock.advance(100);
    const start = packets.length;
    sender.push(tone(440, 48000, OPUS_FRAME + 480), 48000); // 30 ms
    await clock.advance(20);
    // The whole frame went; the 10 ms tail waits a tick for the rest of its frame.
    expect(sender.queuedMs).toBe(10);
    await clock.advance(20);
    expect(sender.queuedMs).toBe(0);
    await clock.advance(100);
    const decoded = decodeAll(packets).slice(start);
    // Tone (after Opus's onset), its tail right after it, then silence.
    expect(rms(decoded[1])).toBeGreaterThan(0.02); // 30 ms is mostly Opus onset
    expect(decoded.slice(3).every((pcm) => rms(pcm) < 0.01)).toBe(true);
    expect(packets.at(-1)?.payload.length).toBe(3);
  });

  it('bounds its queue, dropping the oldest audio and counting it', async () => {
    const clock = new VirtualClock();
    const { track } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock, maxQueueMs: 200 });
    sender.push(tone(440, 48000, 48000), 48000);
    expect(sender.queuedMs).toBe(200);
    expect(sender.stats.droppedFrames).toBe(40);
  });

  it('after an event-loop stall skips time in the timestamp instead of bursting', async () => {
    const clock = new StallClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    clock.time = 20;
    clock.fire();
    const n = packets.length;
    const ts = packets[n - 1].header.timestamp;
    // The next timer was due at 40 ms but fires only at 540 ms.
    clock.time = 540;
    clock.fire();
    expect(packets.length - n).toBe(3);
    expect(sender.stats.skippedFrames).toBe(23); // ticks 2..24 skipped, 25..27 sent
    expect(packets.at(-1)?.header.timestamp).toBe((ts + (23 + 3) * OPUS_FRAME) >>> 0);
    expect(packets.at(-1)?.header.sequenceNumber).toBe(
      (packets[n - 1].header.sequenceNumber + 3) & 0xffff,
    );
  });

  it('stop() ends the schedule and ignores later pushes', async () => {
    const clock = new VirtualClock();
    const { track, packets } = fakeTrack();
    sender = new RtpAudioSender(track, { logger: silentLogger, clock });
    sender.start();
    await clock.advance(40);
    sender.stop();
    sender.push(tone(440, 48000, 960), 48000);
    const n = packets.length;
    await clock.advance(200);
    expect(packets.length).toBe(n);
    expect(clock.pendingTimers).toBe(0);
  });
});
