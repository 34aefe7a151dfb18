/**
 * What a client sent while its graph was still starting, held until it
 * runs. Bounded in count and in size — a client may send hundreds of 1 MB
 * messages in the seconds a graph takes to load models — by dropping the
 * oldest: for audio and events alike, the latest are what matter once the
 * graph is up.
 */
export class DropOldestQueue<T> {
  private readonly items: Array<{ item: T; size: number }> = [];
  private totalSize = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxSize: number,
    private readonly sizeOf: (item: T) => number,
  ) {}

  push(item: T): void {
    const size = this.sizeOf(item);
    this.items.push({ item, size });
    this.totalSize += size;
    while (
      this.items.length > this.maxItems ||
      (this.totalSize > this.maxSize && this.items.length > 0)
    ) {
      this.totalSize -= this.items.shift()!.size;
    }
  }

  /** Empties the queue, oldest first. */
  drain(): T[] {
    const all = this.items.splice(0).map((entry) => entry.item);
    this.totalSize = 0;
    return all;
  }

  get length(): number {
    return this.items.length;
  }
}
