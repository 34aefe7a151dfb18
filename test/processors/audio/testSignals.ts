/**
 * Test audio for the front-end nodes: seeded noise, speech mixed with it at a
 * chosen signal-to-noise ratio, level changes, and the measures the tests
 * assert on. Deterministic: the same seed gives the same noise on every run.
 */
import { rms } from '../../../engine/audio/level.ts';

const FULL_SCALE = 32768;

/** A small seeded generator (xorshift32): uniform in [-1, 1). */
function uniformNoise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 31 - 1;
  };
}

/** White noise, float, unit-ish RMS before scaling. */
export function whiteNoise(length: number, seed = 1): Float64Array {
  const next = uniformNoise(seed);
  return Float64Array.from({ length }, () => next());
}

/**
 * Pink (1/f) noise: white noise through three first-order low-passes spread
 * over the speech band, summed — a close enough slope (−3 dB/octave) for
 * "fan and room" noise, which weighs the low frequencies speech lives in.
 */
export function pinkNoise(length: number, seed = 1): Float64Array {
  const white = whiteNoise(length, seed);
  const poles = [0.997, 0.963, 0.57];
  const weights = [0.029591, 0.032534, 0.048056];
  const states = [0, 0, 0];
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let sum = white[i] * 0.1848;
    for (let k = 0; k < poles.length; k++) {
      states[k] = poles[k] * states[k] + weights[k] * white[i] * 10;
      sum += states[k];
    }
    out[i] = sum;
  }
  return out;
}

/**
 * RMS of the active part of a clip: 10 ms blocks within 30 dB of the loudest
 * block. Speech level, not diluted by the silence around it.
 */
export function activeRms(samples: Int16Array, sampleRate = 16_000): number {
  const block = sampleRate / 100;
  const powers: number[] = [];
  for (let start = 0; start + block <= samples.length; start += block) {
    powers.push(rms(samples.subarray(start, start + block)) ** 2);
  }
  const loudest = Math.max(...powers);
  const active = powers.filter((p) => p > 0 && p >= loudest / 1000);
  return Math.sqrt(active.reduce((a, b) => a + b, 0) / Math.max(1, active.length));
}

/** `activeRms` in dBFS (re a full-scale square wave, like engine/audio/level.ts). */
export function activeDbfs(samples: Int16Array, sampleRate = 16_000): number {
  return 20 * Math.log10(activeRms(samples, sampleRate) / FULL_SCALE);
}

/** `clean` plus `noise` scaled to sit `snrDb` below the speech's active level; clipped to s16. */
export function mixAtSnr(clean: Int16Array, noise: Float64Array, snrDb: number): Int16Array {
  if (noise.length < clean.length) {
    throw new RangeError(`noise has ${noise.length} samples, speech ${clean.length}`);
  }
  let noisePower = 0;
  for (let i = 0; i < clean.length; i++) noisePower += noise[i] * noise[i];
  const noiseRms = Math.sqrt(noisePower / clean.length);
  const scale = activeRms(clean) / 10 ** (snrDb / 20) / noiseRms;
  return Int16Array.from(clean, (s, i) => clip(s + noise[i] * scale));
}

/** A copy `db` louder or quieter, clipped to s16 as a hot microphone would clip. */
export function withGain(samples: Int16Array, db: number): Int16Array {
  const gain = 10 ** (db / 20);
  return Int16Array.from(samples, (s) => clip(s * gain));
}

/**
 * How far `output` is from `reference` as scale-invariant SNR (dB): the part
 * of the output that is the reference at its best-fitting gain, over
 * everything else (noise left in, speech distorted). `delay`: samples the
 * output lags.
 */
export function snrAgainst(reference: Int16Array, output: Int16Array, delay = 0): number {
  let cross = 0;
  let refPower = 0;
  const n = Math.min(reference.length, output.length - delay);
  for (let i = 0; i < n; i++) {
    cross += reference[i] * output[i + delay];
    refPower += reference[i] * reference[i];
  }
  const gain = cross / refPower;
  let signal = 0;
  let error = 0;
  for (let i = 0; i < n; i++) {
    const target = gain * reference[i];
    const residual = output[i + delay] - target;
    signal += target * target;
    error += residual * residual;
  }
  return 10 * Math.log10(signal / error);
}

/** Largest absolute sample. */
export function peak(samples: Int16Array): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}

function clip(value: number): number {
  const s = Math.round(value);
  return Math.min(32767, Math.max(-32768, s));
}
