import { afterEach, describe, expect, it } from 'vitest';
import {
  OPUS_FRAME,
  OPUS_RATE,
  OPUS_SILENCE_FRAME,
  OpusCodec,
} from '../../../server/transports/webrtc/OpusCodec.ts';
import { analyseTone, tone } from './mediaTone.ts';

describe('OpusCodec (opusscript, 48 kHz mono)', () => {
  let codec: OpusCodec;
  afterEach(() => codec.destroy());

  it('round-trips a tone with its frequency and loudness', () => {
    codec = new OpusCodec();
    const input = tone(440, OPUS_RATE, OPUS_RATE, 0.3); // 1 s
    const decoded: Int16Array[] = [];
    for (let at = 0; at + OPUS_FRAME <= input.length; at += OPUS_FRAME) {
      const packet = codec.encode(input.subarray(at, at + OPUS_FRAME));
      expect(packet.length).toBeGreaterThan(0);
      expect(packet.length).toBeLessThan(400);
      const pcm = codec.decode(packet);
      expect(pcm.length).toBe(OPUS_FRAME);
      decoded.push(pcm);
    }
    const result = analyseTone(decoded, OPUS_RATE);
    expect(result.hz).toBeGreaterThan(435);
    expect(result.hz).toBeLessThan(445);
    expect(result.rms).toBeGreaterThan(0.19); // a 0.3 sine is 0.212
    expect(result.rms).toBeLessThan(0.23);
  });

  it('conceals exactly the samples asked for, across its 60 ms PLC steps', () => {
    codec = new OpusCodec();
    codec.decode(codec.encode(tone(440, OPUS_RATE, OPUS_FRAME, 0.3)));
    for (const n of [0, 960, 1920, 2880, 4000]) expect(codec.conceal(n).length).toBe(n);
  });

  it('refuses a frame of the wrong size, an empty and a garbage packet', () => {
    codec = new OpusCodec();
    expect(() => codec.encode(new Int16Array(480))).toThrow(/960/);
    expect(() => codec.decode(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => codec.decode(Buffer.from([0xff, 0xff, 0xff, 1, 2, 3]))).toThrow();
    // And keeps decoding good packets afterwards.
    expect(codec.decode(OPUS_SILENCE_FRAME).length).toBe(OPUS_FRAME);
  });

  it('decodes the constant silence frame to 20 ms of silence', () => {
    codec = new OpusCodec();
    const pcm = codec.decode(OPUS_SILENCE_FRAME);
    expect(pcm.length).toBe(OPUS_FRAME);
    expect(pcm.every((s) => s === 0)).toBe(true);
  });

  it('is unusable but harmless after destroy()', () => {
    codec = new OpusCodec();
    codec.destroy();
    codec.destroy();
    expect(() => codec.encode(new Int16Array(OPUS_FRAME))).toThrow(/destroy/);
  });
});
