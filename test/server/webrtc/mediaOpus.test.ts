import { afterEach, describe, expect, it } from 'vitest';
import {
  OPUS_FRAME,
  OPUS_RATE,
  OPUS_SILENCE_FRAME,
  OpusCodec,
} from '../../../engine/audio/opus/OpusCodec.ts';
import { analyseTone, tone } from './mediaTone.ts';

describe('OpusCodec (libopus in WebAssembly, 48 kHz mono)', () => {
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

  it('conceals exactly the samples asked for, however long one PLC step of libopus is', () => {
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

  it('codes 16 kHz PCM in 320-sample frames and refuses rates libopus does not take', () => {
    codec = new OpusCodec(16000);
    expect(codec.frameSamples).toBe(320);
    const input = tone(440, 16000, 16000, 0.3);
    const decoded: Int16Array[] = [];
    for (let at = 0; at + 320 <= input.length; at += 320) {
      decoded.push(codec.decode(codec.encode(input.subarray(at, at + 320))));
    }
    expect(decoded.every((pcm) => pcm.length === 320)).toBe(true);
    const result = analyseTone(decoded, 16000);
    expect(Math.abs(result.hz - 440)).toBeLessThan(5);
    expect(result.rms).toBeGreaterThan(0.19);
    expect(() => codec.encode(new Int16Array(OPUS_FRAME))).toThrow(/320/);
    expect(() => new OpusCodec(44100)).toThrow(/44100/);
  });

  it('is unusable but harmless after destroy()', () => {
    codec = new OpusCodec();
    codec.destroy();
    codec.destroy();
    expect(() => codec.encode(new Int16Array(OPUS_FRAME))).toThrow(/destroy/);
  });

  it('keeps a hundred codecs on one heap apart, while others come and go (heap growth)', () => {
    // opusscript's own class wrote outside its allocations, so a few dozen live codecs
    // corrupted each other. Each codec here must produce exactly what a lone codec does.
    codec = new OpusCodec();
    const frames = 25;
    const signal = (i: number) => tone(200 + i * 37, OPUS_RATE, OPUS_FRAME * frames, 0.3);
    const alone = (i: number): Buffer[] => {
      const solo = new OpusCodec();
      const input = signal(i);
      const out: Buffer[] = [];
      for (let f = 0; f < frames; f++) {
        const pcm = solo.decode(solo.encode(input.subarray(f * OPUS_FRAME, (f + 1) * OPUS_FRAME)));
        out.push(Buffer.from(pcm.buffer));
      }
      solo.destroy();
      return out;
    };
    const n = 100;
    const codecs = Array.from({ length: n }, () => new OpusCodec());
    const inputs = codecs.map((_, i) => signal(i));
    const outputs: Buffer[][] = codecs.map(() => []);
    const churn: OpusCodec[] = [];
    for (let f = 0; f < frames; f++) {
      codecs.forEach((c, i) => {
        const frame = inputs[i]!.subarray(f * OPUS_FRAME, (f + 1) * OPUS_FRAME);
        outputs[i]!.push(Buffer.from(c.decode(c.encode(frame)).buffer));
      });
      // Codecs opened and left open grow the heap mid-stream; the live ones must not notice.
      for (let k = 0; k < 20; k++) {
        const extra = new OpusCodec();
        extra.conceal(OPUS_FRAME);
        churn.push(extra);
      }
    }
    for (const i of [0, 1, 50, 98, 99]) {
      expect(Buffer.concat(outputs[i]!).equals(Buffer.concat(alone(i))), `codec ${i}`).toBe(true);
    }
    for (const c of [...codecs, ...churn]) c.destroy();
  });
});
