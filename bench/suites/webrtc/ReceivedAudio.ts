/**
 * Bot audio as one client received it: when each chunk arrived, how long it plays, whether
 * it is audible. A client starts an answer `playoutMs` after its first chunk arrives (its
 * jitter buffer) and plays chunks back to back, so a chunk that arrives after the previous
 * one has finished playing leaves a gap in what the user hears. Silence (WebRTC's idle packets) is not kept: what matters is when the
 * audible audio starts, stops and breaks up.
 */
export interface Chunk {
  /** performance.now() on arrival. */
  at: number;
  ms: number;
  /** When it finishes playing: max(arrival, previous chunk's end) + its length. */
  playEnd: number;
  /** How long after the previous chunk finished playing it arrived (0 if in time). */
  lateMs: number;
  /** First chunk after a quiet spell of more than ANSWER_GAP_MS: a new answer starts. */
  startsAnswer: boolean;
}

/** Received audio that stops for longer than this has ended an answer. */
export const ANSWER_GAP_MS = 1000;

export class ReceivedAudio {
  readonly chunks: Chunk[] = [];
  private waiters: Array<(chunk: Chunk) => void> = [];

  constructor(private readonly playoutMs = 0) {}

  get lastAudibleAt(): number {
    return this.chunks.at(-1)?.at ?? -Infinity;
  }

  add(at: number, ms: number): void {
    const prev = this.chunks.at(-1);
    const startsAnswer = !prev || at - prev.playEnd > ANSWER_GAP_MS;
    const lateMs = startsAnswer ? 0 : Math.max(0, at - prev.playEnd);
    const playEnd = (startsAnswer ? at + this.playoutMs : Math.max(at, prev.playEnd)) + ms;
    const chunk = { at, ms, playEnd, lateMs, startsAnswer };
    this.chunks.push(chunk);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(chunk);
  }

  /** The first audible chunk arriving after `after`, or undefined after `timeoutMs`. */
  firstAfter(after: number, timeoutMs: number): Promise<Chunk | undefined> {
    const found = this.chunks.find((c) => c.at > after);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wait);
        resolve(undefined);
      }, timeoutMs);
      const wait = (chunk: Chunk) => {
        if (chunk.at <= after) return void this.waiters.push(wait);
        clearTimeout(timer);
        resolve(chunk);
      };
      this.waiters.push(wait);
    });
  }

  /** Resolves once nothing audible has arrived for `quietMs` (or after `timeoutMs`). */
  async quiet(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = performance.now();
      const left = this.lastAudibleAt + quietMs - now;
      if (left <= 0 || now >= deadline) return;
      await new Promise((r) => setTimeout(r, Math.min(left, deadline - now) + 1));
    }
  }

  /** Forgets chunks that ended before `before` (a long run must not grow without bound). */
  trim(before: number): void {
    const keep = this.chunks.findIndex((c) => c.playEnd >= before);
    if (keep > 0) this.chunks.splice(0, keep);
  }
}
