/**
 * The last second or so of microphone audio, with the time each chunk ended,
 * so a recogniser started when the VAD fires can still hear the speech onset
 * the VAD needed to decide.
 */
export class PreRollBuffer {
  private chunks: Array<{ samples: Int16Array; endAt: number }> = [];

  constructor(
    private readonly sampleRate: number,
    private readonly keepMs: number,
  ) {}

  add(samples: Int16Array, endAt: number): void {
    this.chunks.push({ samples, endAt });
    const horizon = endAt - this.keepMs;
    while (this.chunks.length > 0 && this.chunks[0].endAt < horizon) this.chunks.shift();
  }

  /** Audio from `startAt` on, trimming the chunk it falls into. */
  since(startAt: number): Int16Array[] {
    const out: Int16Array[] = [];
    for (const { samples, endAt } of this.chunks) {
      if (endAt <= startAt) continue;
      const chunkStart = endAt - (samples.length / this.sampleRate) * 1000;
      const skip =
        chunkStart < startAt ? Math.round(((startAt - chunkStart) / 1000) * this.sampleRate) : 0;
      out.push(skip > 0 ? samples.subarray(skip) : samples);
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
  }
}
