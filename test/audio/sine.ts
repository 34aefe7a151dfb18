/** Test signal helpers shared by the audio suites. */
export function sine(
  frequency: number,
  sampleRate: number,
  seconds: number,
  amplitude = 16000,
): Int16Array {
  const out = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return out;
}

/** Frequency estimated from sign changes, which survives resampling delay and phase. */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  let first = -1;
  let last = -1;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i - 1] < 0 && samples[i] >= 0) || (samples[i - 1] >= 0 && samples[i] < 0)) {
      if (first < 0) first = i;
      last = i;
      crossings++;
    }
  }
  return (crossings - 1) / 2 / ((last - first) / sampleRate);
}
