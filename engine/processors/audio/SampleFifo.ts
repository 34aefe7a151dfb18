/**
 * A first-in first-out queue of PCM s16 samples that grows as needed: what a
 * block-based stage has produced, waiting to be handed out in the sizes its
 * callers ask for.
 */
export class SampleFifo {
  /** Samples of silence the last `take` had to make up because too few were queued. */
  shortBy = 0;
  private buffer: Int16Array;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Int16Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.end - this.start;
  }

  push(samples: Int16Array): void {
    this.reserve(samples.length);
    this.buffer.set(samples, this.end);
    this.end += samples.length;
  }

  /** Appends `count` zero samples. */
  pushSilence(count: number): void {
    this.reserve(count);
    this.buffer.fill(0, this.end, this.end + count);
    this.end += count;
  }

  /** Removes and returns the oldest `count` samples, padded with silence when fewer are queued. */
  take(count: number): Int16Array {
    const out = new Int16Array(count);
    const available = Math.min(count, this.length);
    out.set(this.buffer.subarray(this.start, this.start + available));
    this.start += available;
    this.shortBy = count - available;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  clear(): void {
    this.start = this.end = 0;
    this.shortBy = 0;
  }

  private reserve(extra: number): void {
    if (this.end + extra <= this.buffer.length) return;
    const live = this.length;
    if (live + extra <= this.buffer.length) {
      // Room enough once the consumed head is dropped: compact instead of growing.
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      const grown = new Int16Array((live + extra) * 2);
      grown.set(this.buffer.subarray(this.start, this.end));
      this.buffer = grown;
    }
    this.start = 0;
    this.end = live;
  }
}
