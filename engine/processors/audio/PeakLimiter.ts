/**
 * Keeps every sample at or below a ceiling with no look-ahead (so no added
 * delay): a sample that would exceed it sets the gain down at once, and the
 * gain recovers smoothly. The instant attack bends the waveform a little on
 * the rare peaks it catches; that beats the hard clipping it replaces.
 */
export class PeakLimiter {
  private gain = 1;
  private releasePerSample = 0;
  private ceiling = 0;

  constructor(
    ceilingDbfs: number,
    private readonly sampleRate: number,
    releaseMs = 50,
  ) {
    this.setCeiling(ceilingDbfs);
    this.setRelease(releaseMs);
  }

  setCeiling(ceilingDbfs: number): void {
    if (!(ceilingDbfs <= 0)) throw new RangeError(`ceilingDbfs must be ≤ 0, got ${ceilingDbfs}`);
    // Whole samples, so rounding the limited sample cannot step over it.
    this.ceiling = Math.floor(10 ** (ceilingDbfs / 20) * 32767);
  }

  setRelease(releaseMs: number): void {
    this.releasePerSample = 1 - Math.exp(-1000 / (releaseMs * this.sampleRate));
  }

  /** One sample (any scale up to far beyond full scale) → limited, rounded s16. */
  limit(sample: number): number {
    this.gain += (1 - this.gain) * this.releasePerSample;
    const magnitude = Math.abs(sample * this.gain);
    if (magnitude > this.ceiling) this.gain = this.ceiling / Math.abs(sample);
    return Math.round(sample * this.gain);
  }

  reset(): void {
    this.gain = 1;
  }
}
