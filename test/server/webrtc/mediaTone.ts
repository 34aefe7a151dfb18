/** Test helpers for the WebRTC media tests: a sine, and its frequency and RMS measured back. */

export function tone(hz: number, rate: number, samples: number, amplitude = 0.3): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  return out;
}

export function concat(chunks: Int16Array[]): Int16Array {
  const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** Frequency by zero crossings and RMS (0..1), skipping the first `skipSeconds` (codec warm-up). */
export function analyseTone(
  chunks: Int16Array[],
  rate: number,
  skipSeconds = 0.1,
): { hz: number; rms: number; seconds: number } {
  const all = concat(chunks);
  const s = all.subarray(Math.min(all.length, Math.round(rate * skipSeconds)));
  let sq = 0;
  let crossings = 0;
  for (let i = 0; i < s.length; i++) {
    sq += s[i] * s[i];
    if (i > 0 && s[i - 1] < 0 !== s[i] < 0) crossings++;
  }
  return {
    hz: crossings / 2 / (s.length / rate || 1),
    rms: Math.sqrt(sq / Math.max(1, s.length)) / 32768,
    seconds: all.length / rate,
  };
}
