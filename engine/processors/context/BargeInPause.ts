import type { Clock, TimerHandle } from '../../core/Clock.ts';

export interface OutputControls {
  pause(reason: string): void;
  resume(reason: string): void;
}

/**
 * The pause half of a tentative barge-in (`falseInterruption: 'pause'`,
 * LiveKit's "resume false interruption"): the bot's output is held while the
 * user-turn aggregator decides. It ends one of three ways: the speech meets
 * the strategy (a real interrupt flushes the held output — `abandon`), the
 * speech ends without meeting it (`resume`), or it keeps going without
 * meeting it for `timeoutMs` (background noise the VAD takes for speech, or
 * words too few) — resumed too, so the bot is never held by noise. Speech that
 * qualifies after a timed-out resume still interrupts, as with `ignore`.
 */
export class BargeInPause {
  private timeout: TimerHandle | undefined;
  private paused = false;

  constructor(
    /** The owner's clock, read at each use: a processor gets its clock only when placed in a graph. */
    private readonly timers: Pick<Clock, 'setTimeout'>,
    private readonly output: OutputControls,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  begin(timeoutMs: number): void {
    if (this.paused) return;
    this.paused = true;
    this.output.pause('user started speaking');
    this.timeout = this.timers.setTimeout(
      () => this.resume(`no barge-in within ${timeoutMs} ms`),
      timeoutMs,
    );
  }

  /** The speech was no barge-in: the bot plays on. */
  resume(reason: string): void {
    if (!this.paused) return;
    this.forget();
    this.output.resume(reason);
  }

  /** A real interrupt (or the bot stopped by itself): the held output is gone, there is nothing to resume. */
  abandon(): void {
    this.forget();
  }

  private forget(): void {
    this.paused = false;
    this.timeout?.cancel();
    this.timeout = undefined;
  }
}
