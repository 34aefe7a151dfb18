import { describe, expect, it } from 'vitest';
import { rms } from '../../engine/audio/level.ts';
import { Resampler, resample } from '../../engine/audio/Resampler.ts';
import { sine, zeroCrossingFrequency } from './sine.ts';

const AMPLITUDE = 16000;

describe('Resampler', () => {
  it('keeps frequency and amplitude of a 440 Hz sine going 16k → 24k', async () => {
    const input = sine(440, 16000, 1, AMPLITUDE);
    const output = await resample(input, 16000, 24000);
    expect(output.length).toBe(24000);
    const middle = output.subarray(1200, 22800); // skip filter warm-up at the edges
    expect(zeroCrossingFrequency(middle, 24000)).toBeCloseTo(440, 0);
    expect(rms(middle)).toBeGreaterThan((AMPLITUDE / Math.SQRT2) * 0.98);
    expect(rms(middle)).toBeLessThan((AMPLITUDE / Math.SQRT2) * 1.02);
  });

  it('downsamples 48k → 8k (telephony) keeping a 1 kHz tone', async () => {
    const output = await resample(sine(1000, 48000, 0.5, AMPLITUDE), 48000, 8000);
    expect(output.length).toBe(4000);
    const middle = output.subarray(200, 3800);
    expect(zeroCrossingFrequency(middle, 8000)).toBeCloseTo(1000, 0);
    expect(rms(middle) / (AMPLITUDE / Math.SQRT2)).toBeCloseTo(1, 1);
  });

  it('removes content above the new Nyquist instead of aliasing it', async () => {
    // 6 kHz cannot exist at 8 kHz; a naive decimator would fold it to 2 kHz at full level.
    const output = await resample(sine(6000, 16000, 0.5, AMPLITUDE), 16000, 8000);
    expect(rms(output.subarray(200, 3800))).toBeLessThan(AMPLITUDE * 0.01);
  });

  it('streams in odd-sized chunks with no clicks and the same result as one shot', async () => {
    const input = sine(440, 16000, 1, AMPLITUDE);
    const oneShot = await resample(input, 16000, 24000);
    const resampler = await Resampler.create(16000, 24000);
    const parts: Int16Array[] = [];
    const sizes = [160, 37, 512, 1, 333, 320];
    for (let offset = 0, k = 0; offset < input.length; k++) {
      const size = sizes[k % sizes.length];
      parts.push(resampler.process(input.subarray(offset, offset + size)));
      offset += size;
    }
    parts.push(resampler.flush());
    resampler.destroy();
    const streamed = concat(parts);
    expect(streamed.length).toBe(oneShot.length);
    let maxDiff = 0;
    for (let i = 0; i < streamed.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(streamed[i] - oneShot[i]));
    expect(maxDiff).toBeLessThanOrEqual(2);
    // A click is a jump far larger than the sine's own steepest step (2πf/fs · A ≈ 1843).
    let maxStep = 0;
    for (let i = 1200; i < streamed.length - 1200; i++)
      maxStep = Math.max(maxStep, Math.abs(streamed[i] - streamed[i - 1]));
    expect(maxStep).toBeLessThan(((2 * Math.PI * 440) / 24000) * AMPLITUDE * 1.05);
  });

  it('passes audio through untouched when the rates are equal', async () => {
    const input = sine(440, 16000, 0.1);
    const resampler = await Resampler.create(16000, 16000);
    expect(resampler.process(input)).toBe(input);
    expect(resampler.flush().length).toBe(0);
  });

  it('reset() forgets the previous stream', async () => {
    const resampler = await Resampler.create(16000, 24000);
    resampler.process(sine(440, 16000, 0.2, 30000));
    resampler.reset();
    const out = concat([resampler.process(new Int16Array(1600)), resampler.flush()]);
    expect(out.length).toBe(2400);
    expect(rms(out)).toBe(0);
    resampler.destroy();
  });

  it('rejects invalid rates', async () => {
    await expect(Resampler.create(0, 16000)).rejects.toThrow(/sample rate/);
    await expect(Resampler.create(16000, 44100.5)).rejects.toThrow(/sample rate/);
  });
});

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
