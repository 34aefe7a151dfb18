/**
 * Time source for processors. Production uses the monotonic wall clock; tests
 * use `VirtualClock` so that delays (a VAD's stop timeout, output pacing) are
 * exercised deterministically and instantly.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
}

/**
 * A class rather than a `{ cancel: () => … }` literal: output pacing arms a
 * timer per 20 ms of audio per session, and under tsx (how the server runs)
 * every such closure also gets a `__name` defineProperty call — together ~5 %
 * of the event loop's CPU with 16 sessions talking.
 */
class RealTimerHandle implements TimerHandle {
  constructor(private readonly timer: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timer);
  }
}

class RealClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return new RealTimerHandle(setTimeout(callback, Math.max(0, delayMs)));
  }
}

export const realClock: Clock = new RealClock();
