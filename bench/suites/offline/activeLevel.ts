/**
 * The level of speech while it is speech. An utterance's plain RMS depends on
 * how much silence surrounds it; noise at "10 dB SNR" must mean 10 dB under
 * the talker's voice, as ITU-T P.56 defines active speech level. This is a
 * simplified P.56: 10 ms frames whose level is within 35 dB of the loudest
 * frame count as active, and the level is the RMS over those frames.
 */

const FRAME_MS = 10;
const ACTIVE_RANGE_DB = 35;
const FULL_SCALE = 32768;

/** Active speech level in dBFS (RMS re full scale); -Infinity for silence. */
export function activeLevelDbfs(samples: Int16Array, sampleRate: number): number {
  const frame = Math.max(1, Math.round((sampleRate * FRAME_MS) / 1000));
  const energies: number[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let sum = 0;
    for (let i = start; i < start + frame; i++) sum += samples[i] * samples[i];
    energies.push(sum / frame);
  }
  const loudest = Math.max(0, ...energies);
  if (loudest === 0) return Number.NEGATIVE_INFINITY;
  const floor = loudest * 10 ** (-ACTIVE_RANGE_DB / 10);
  const active = energies.filter((e) => e >= floor);
  const mean = active.reduce((a, b) => a + b, 0) / active.length;
  return 10 * Math.log10(mean / (FULL_SCALE * FULL_SCALE));
}

/** Plain RMS level over everything, in dBFS; for stationary noise. */
export function rmsDbfs(samples: Int16Array | Float64Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  if (sum === 0) return Number.NEGATIVE_INFINITY;
  return 10 * Math.log10(sum / samples.length / (FULL_SCALE * FULL_SCALE));
}

/** Samples scaled by `gainDb`, rounded and clipped to s16 as a real converter would. */
export function applyGain(samples: Int16Array, gainDb: number): Int16Array {
  const factor = 10 ** (gainDb / 20);
  return Int16Array.from(samples, (s) => clip(s * factor));
}

export function clip(value: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(value)));
}
