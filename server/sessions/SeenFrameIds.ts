/**
 * Remembers recent frame ids so each frame is reported once, where it was
 * created, although observers see it at every hop. Two generations keep
 * memory bounded without forgetting a frame that is still in flight.
 */
export class SeenFrameIds {
  private current = new Set<number>();
  private previous = new Set<number>();

  constructor(private readonly generationSize = 2048) {}

  firstSighting(id: number): boolean {
    if (this.current.has(id) || this.previous.has(id)) return false;
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
    return true;
  }
}
