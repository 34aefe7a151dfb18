import type { RnnoiseDenoiser } from '../../../engine/providers/rnnoise/RnnoiseDenoiser.ts';

/**
 * Streams a clip through a denoiser in `chunkSamples` pieces, followed by
 * enough silence to flush its delay, and returns the output re-aligned with
 * the input (the delay cut off the front).
 */
export function streamThrough(
  denoiser: RnnoiseDenoiser,
  samples: Int16Array,
  chunkSamples = 320,
): Int16Array {
  const padded = new Int16Array(samples.length + denoiser.latencySamples);
  padded.set(samples);
  const out = new Int16Array(padded.length);
  for (let start = 0; start < padded.length; start += chunkSamples) {
    const chunk = padded.subarray(start, Math.min(padded.length, start + chunkSamples));
    const denoised = denoiser.process(chunk);
    if (denoised.length !== chunk.length) {
      throw new Error(`${chunk.length} samples in, ${denoised.length} out`);
    }
    out.set(denoised, start);
  }
  return out.subarray(denoiser.latencySamples);
}
