import { describe, expect, it } from 'vitest';
import { dbfs, normalizePeak, rms } from '../../engine/audio/level.ts';
import { sine } from './sine.ts';

describe('level', () => {
  it('rms of a sine is amplitude/√2', () => {
    expect(rms(sine(1000, 16000, 1, 10000))).toBeCloseTo(10000 / Math.SQRT2, 0);
  });

  it('rms of a constant is its magnitude, of nothing is 0', () => {
    expect(rms(new Int16Array(100).fill(-300))).toBe(300);
    expect(rms(new Int16Array(0))).toBe(0);
  });

  it('dBFS: full-scale square is 0, full-scale sine about -3, halving is -6 dB', () => {
    expect(dbfs(new Int16Array(64).fill(-32768))).toBeCloseTo(0, 5);
    expect(dbfs(sine(1000, 16000, 1, 32767))).toBeCloseTo(-3.01, 1);
    expect(dbfs(sine(1000, 16000, 1, 8000)) - dbfs(sine(1000, 16000, 1, 16000))).toBeCloseTo(
      -6.02,
      1,
    );
  });

  it('clamps digital silence to a finite floor', () => {
    expect(dbfs(new Int16Array(160))).toBe(-100);
    expect(dbfs(new Int16Array(160), -90)).toBe(-90);
  });

  it('normalizePeak scales the loudest sample to the target and keeps the shape', () => {
    const quiet = sine(440, 16000, 0.1, 1000);
    const loud = normalizePeak(quiet, -6);
    const peak = Math.max(...Array.from(loud, Math.abs));
    expect(peak).toBe(Math.round(10 ** (-6 / 20) * 32767));
    expect(dbfs(loud) - dbfs(quiet)).toBeCloseTo(20 * Math.log10(peak / 1000), 1);
    expect(normalizePeak(new Int16Array(10))).toEqual(new Int16Array(10));
  });
});
