/**
 * Signal level of PCM s16 audio. dBFS here is RMS relative to a full-scale
 * square wave (32768), so a full-scale sine reads about -3 dBFS.
 */

const FULL_SCALE = 32768;

/** Root mean square in sample units (0 … 32768). Empty input is 0. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/**
 * RMS level in dBFS. Digital silence would be -Infinity, which does not survive
 * JSON (metrics frames), so it is clamped to `floorDb`.
 */
export function dbfs(samples: Int16Array, floorDb = -100): number {
  const level = rms(samples);
  if (level === 0) return floorDb;
  return Math.max(floorDb, 20 * Math.log10(level / FULL_SCALE));
}

/** A copy scaled so its largest sample sits at `peakDbfs` (re full scale); silence stays silence. */
export function normalizePeak(samples: Int16Array, peakDbfs = -3): Int16Array {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  if (peak === 0) return samples.slice();
  const gain = (10 ** (peakDbfs / 20) * (FULL_SCALE - 1)) / peak;
  return Int16Array.from(samples, (s) => Math.round(s * gain));
}
