/**
 * Remembers the last N frame ids seen by a node where paths join, so that a
 * frame arriving by a second path is delivered once. Frame ids only grow, and
 * the copies of one frame arrive close together, so a small window suffices.
 */
export class RecentFrameIds {
  private readonly seen = new Set<number>();
  private readonly order: number[];
  private next = 0;

  constructor(private readonly capacity = 1024) {
    this.order = new Array<number>(capacity).fill(-1);
  }

  /** True the first time `id` is offered (within the window). */
  firstSighting(id: number): boolean {
    if (this.seen.has(id)) return false;
    const evicted = this.order[this.next];
    if (evicted !== -1) this.seen.delete(evicted);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.seen.add(id);
    return true;
  }
}
