import type { TimerHandle } from '../../../core/Clock.ts';
import type { BargeInHost, InterruptionStrategy } from './InterruptionStrategy.ts';

/** Speech interrupts once it has gone on for `minDurationMs`: a cough is over before that. */
export class MinDurationInterruption implements InterruptionStrategy {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly host: BargeInHost,
    private readonly minDurationMs: number,
  ) {}

  speechStarted(): void {
    // Started again without a stop in between: the speech is timed from its first start.
    if (this.timer) return;
    this.timer = this.host.setTimeout(() => {
      this.timer = undefined;
      this.host.interrupt(`user spoke for ${this.minDurationMs} ms`);
    }, this.minDurationMs);
  }

  wordsHeard(): void {}

  reset(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
