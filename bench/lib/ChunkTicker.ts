/**
 * One drift-corrected tick for many real-time audio sources (microphones a bench plays):
 * every `chunkMs` on an absolute schedule (t0 + n·chunkMs), each member's `tick` gets the
 * moment its chunk was fully "captured". If the event loop was blocked, the missed chunks
 * are caught up one by one, as a socket would deliver a backlog.
 */
export class ChunkTicker<T extends { tick(capturedAt: number): void }> {
  readonly members = new Set<T>();
  /** Ticks that fired more than one chunk late (the event loop was blocked). */
  lateTicks = 0;
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private n = 0;

  constructor(private readonly chunkMs = 20) {}

  start(): void {
    this.t0 = performance.now();
    this.n = 0;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const due = this.t0 + (this.n + 1) * this.chunkMs;
    this.timer = setTimeout(
      () => {
        const now = performance.now();
        if (now - due > this.chunkMs) this.lateTicks++;
        while (this.t0 + (this.n + 1) * this.chunkMs <= now + 1) {
          this.n++;
          for (const member of this.members) member.tick(this.t0 + this.n * this.chunkMs);
        }
        if (this.timer) this.schedule();
      },
      Math.max(0, due - performance.now()),
    );
  }
}
