/**
 * Re-frames a stream of PCM chunks of arbitrary length into fixed-size frames
 * (e.g. the 512-sample windows Silero VAD needs), carrying the remainder over
 * to the next push.
 */
export class AudioChunker {
  private pending: Int16Array;
  private filled = 0;

  constructor(readonly frameSize: number) {
    if (!Number.isInteger(frameSize) || frameSize < 1) {
      throw new RangeError(`frameSize must be a positive integer, got ${frameSize}`);
    }
    this.pending = new Int16Array(frameSize);
  }

  /** Samples held back, waiting for a full frame. */
  get buffered(): number {
    return this.filled;
  }

  /** Returns every complete frame the new samples make; each frame is a fresh array the caller may keep. */
  push(samples: Int16Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let offset = 0;
    if (this.filled > 0) {
      const take = Math.min(this.frameSize - this.filled, samples.length);
      this.pending.set(samples.subarray(0, take), this.filled);
      this.filled += take;
      offset = take;
      if (this.filled < this.frameSize) return frames;
      frames.push(this.pending);
      this.pending = new Int16Array(this.frameSize);
      this.filled = 0;
    }
    while (samples.length - offset >= this.frameSize) {
      frames.push(samples.slice(offset, offset + this.frameSize));
      offset += this.frameSize;
    }
    const rest = samples.length - offset;
    if (rest > 0) {
      this.pending.set(samples.subarray(offset), 0);
      this.filled = rest;
    }
    return frames;
  }

  /**
   * Hands out the partial frame at end of stream, or null if there is none.
   * With `padWithSilence` it is zero-padded to a full frame (for consumers such
   * as the VAD model that only accept exact window sizes).
   */
  flush(padWithSilence = false): Int16Array | null {
    if (this.filled === 0) return null;
    // reset() leaves old samples behind the fill mark, so padding must be explicit.
    const out = padWithSilence
      ? this.pending.fill(0, this.filled)
      : this.pending.slice(0, this.filled);
    this.pending = new Int16Array(this.frameSize);
    this.filled = 0;
    return out;
  }

  reset(): void {
    this.filled = 0;
  }
}
