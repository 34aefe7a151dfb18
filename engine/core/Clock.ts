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

export class RealClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(timer) };
  }
}

export const realClock: Clock = new RealClock();
