import { afterEach, describe, expect, it } from 'vitest';
import { Event, type MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { silentLogger } from '#engine';
import { OPUS_FRAME, OpusCodec } from '../../../engine/audio/opus/OpusCodec.ts';
import { RtpAudioReceiver } from '../../../server/transports/webrtc/RtpAudioReceiver.ts';
import { analyseTone, tone } from './mediaTone.ts';

/** 20 ms Opus packets of a 440 Hz tone, numbered from `firstSeq`. */
function tonePackets(count: number, firstSeq = 65530): RtpPacket[] {
  const codec = new OpusCodec();
  const pcm = tone(440, 48000, count * OPUS_FRAME);
  const packets: RtpPacket[] = [];
  for (let i = 0; i < count; i++) {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: (firstSeq + i) & 0xffff, // wraps past 65535 on purpose
      timestamp: i * OPUS_FRAME,
    });
    packets.push(
      new RtpPacket(header, codec.encode(pcm.subarray(i * OPUS_FRAME, (i + 1) * OPUS_FRAME))),
    );
  }
  codec.destroy();
  return packets;
}

function setup(): {
  receiver: RtpAudioReceiver;
  send: (p: RtpPacket) => void;
  chunks: Int16Array[];
} {
  const onReceiveRtp = new Event<[RtpPacket]>();
  const track = { onReceiveRtp } as unknown as Pick<MediaStreamTrack, 'onReceiveRtp'>;
  const chunks: Int16Array[] = [];
  const receiver = new RtpAudioReceiver(
    track,
    (pcm, rate) => {
      expect(rate).toBe(48000);
      chunks.push(pcm);
    },
    { logger: silentLogger },
  );
  return { receiver, send: (p) => onReceiveRtp.execute(p), chunks };
}

const samples = (chunks: Int16Array[]) => chunks.reduce((n, c) => n + c.length, 0);

describe('RtpAudioReceiver (browser mic: Opus RTP → 48 kHz PCM)', () => {
  let receiver: RtpAudioReceiver | undefined;
  afterEach(() => receiver?.stop());

  it('decodes in-order packets straight through, across the sequence wrap', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(50);
    for (const p of packets) s.send(p);
    expect(s.chunks.length).toBe(50);
    const result = analyseTone(s.chunks, 48000);
    expect(Math.abs(result.hz - 440)).toBeLessThan(10);
    expect(result.rms).toBeGreaterThan(0.19);
  });

  it('puts reordered packets back in order', () => {
    const inOrder = setup();
    const shuffled = setup();
    receiver = inOrder.receiver;
    const packets = tonePackets(20);
    for (const p of packets) inOrder.send(p);
    const order = [0, 2, 1, 3, 6, 4, 5, 7, 8, 9, 12, 10, 11, 13, 14, 15, 16, 17, 18, 19];
    for (const i of order) shuffled.send(packets[i]);
    expect(shuffled.receiver.stats.concealed).toBe(0);
    expect(shuffled.chunks).toEqual(inOrder.chunks);
    shuffled.receiver.stop();
  });

  it('conceals a lost packet so the output length stays right', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(30);
    for (const [i, p] of packets.entries()) if (i !== 10 && i !== 20 && i !== 21) s.send(p);
    expect(s.receiver.stats.concealed).toBe(3);
    expect(samples(s.chunks)).toBe(30 * OPUS_FRAME);
    // PLC continues the tone rather than dropping to silence.
    expect(analyseTone([s.chunks[10]], 48000, 0).rms).toBeGreaterThan(0.05);
  });

  it('holds at most the reorder window before declaring a packet lost', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(6);
    s.send(packets[0]);
    s.send(packets[2]);
    s.send(packets[3]);
    expect(s.chunks.length).toBe(1); // waiting for 1
    s.send(packets[4]);
    expect(s.chunks.length).toBe(5); // 1 concealed after 60 ms' worth of newer packets
    s.send(packets[1]); // too late now
    expect(s.receiver.stats.late).toBe(1);
    expect(s.chunks.length).toBe(5);
  });

  it('drops duplicates', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(5);
    s.send(packets[0]);
    s.send(packets[0]); // already played: counts as late
    s.send(packets[2]);
    s.send(packets[2]); // held: a duplicate
    s.send(packets[1]);
    expect(s.chunks.length).toBe(3);
    expect(s.receiver.stats.duplicates).toBe(1);
    expect(s.receiver.stats.late).toBe(1);
  });

  it('skips a garbage or empty payload without throwing, concealing its slot', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(6);
    packets[2] = new RtpPacket(packets[2].header, Buffer.from([0xff, 0xff, 0xff, 1, 2, 3]));
    packets[4] = new RtpPacket(packets[4].header, Buffer.alloc(0));
    expect(() => {
      for (const p of packets) s.send(p);
    }).not.toThrow();
    expect(s.receiver.stats.invalid).toBe(2);
    expect(samples(s.chunks)).toBe(6 * OPUS_FRAME);
  });

  it('follows a restarted sequence instead of concealing seconds', () => {
    const s = setup();
    receiver = s.receiver;
    const packets = tonePackets(4, 1000);
    s.send(packets[0]);
    s.send(packets[1]);
    s.send(tonePackets(1, 30000)[0]);
    s.send(tonePackets(1, 30001)[0]);
    expect(s.receiver.stats.resyncs).toBe(1);
    expect(s.chunks.length).toBe(4);
  });

  it('keeps going when the consumer throws, and stop() unsubscribes', () => {
    const onReceiveRtp = new Event<[RtpPacket]>();
    const track = { onReceiveRtp } as unknown as Pick<MediaStreamTrack, 'onReceiveRtp'>;
    let calls = 0;
    receiver = new RtpAudioReceiver(
      track,
      () => {
        calls++;
        throw new Error('consumer bug');
      },
      { logger: silentLogger },
    );
    const packets = tonePackets(3);
    expect(() => onReceiveRtp.execute(packets[0])).not.toThrow();
    receiver.stop();
    onReceiveRtp.execute(packets[1]);
    expect(calls).toBe(1);
    expect(onReceiveRtp.length).toBe(0);
  });

  it('survives being stopped by its consumer in the middle of a drain', () => {
    const onReceiveRtp = new Event<[RtpPacket]>();
    const track = { onReceiveRtp } as unknown as Pick<MediaStreamTrack, 'onReceiveRtp'>;
    let calls = 0;
    const stopping: RtpAudioReceiver = new RtpAudioReceiver(
      track,
      () => {
        if (++calls === 2) stopping.stop();
      },
      { logger: silentLogger },
    );
    receiver = stopping;
    const packets = tonePackets(4, 1000);
    onReceiveRtp.execute(packets[0]);
    onReceiveRtp.execute(packets[2]);
    onReceiveRtp.execute(packets[3]); // 2 and 3 held, waiting for 1
    // A restarted stream plays out what is held: the consumer stops us after the first.
    expect(() => onReceiveRtp.execute(tonePackets(1, 30000)[0])).not.toThrow();
    expect(calls).toBe(2);
  });
});
