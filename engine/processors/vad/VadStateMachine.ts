import type { VadSettings } from './VadProcessor.ts';

/**
 * The timings the machine runs on, from the VAD's settings. `pauseMs` 0, at
 * or above `stopMs`, or unset: no `paused` transition. It lets a preemptive
 * LLM request start while the stop delay is still running.
 */
export type VadParams = Pick<VadSettings, 'startMs' | 'stopMs'> &
  Partial<Pick<VadSettings, 'pauseMs'>>;

export type VadTransition =
  | { kind: 'started'; speechStartedAt: number }
  | { kind: 'paused'; speechEndedAt: number }
  | { kind: 'stopped'; speechEndedAt: number };

/**
 * Start/stop hysteresis over per-window speech decisions. Pure and clock-free:
 * callers pass each window's end time, so it is tested with plain numbers.
 */
export class VadStateMachine {
  private state: 'quiet' | 'starting' | 'speaking' | 'stopping' = 'quiet';
  private runMs = 0;
  private runStartedAt = 0;
  private lastSpeechEndAt = 0;

  constructor(public params: VadParams) {}

  get speaking(): boolean {
    return this.state === 'speaking' || this.state === 'stopping';
  }

  /** Feeds one window; returns a transition when the user starts or stops speaking. */
  update(voiced: boolean, windowMs: number, windowEndAt: number): VadTransition | undefined {
    const windowStartAt = windowEndAt - windowMs;
    switch (this.state) {
      // biome-ignore lint/suspicious/noFallthroughSwitchClause: the first voiced window starts the run
      case 'quiet':
        if (!voiced) return undefined;
        this.state = 'starting';
        this.runMs = 0;
        this.runStartedAt = windowStartAt;
      // falls through: this window counts towards the start
      case 'starting':
        if (!voiced) {
          this.state = 'quiet';
          return undefined;
        }
        this.runMs += windowMs;
        if (this.runMs >= this.params.startMs) {
          this.state = 'speaking';
          this.lastSpeechEndAt = windowEndAt;
          return { kind: 'started', speechStartedAt: this.runStartedAt };
        }
        return undefined;
      // biome-ignore lint/suspicious/noFallthroughSwitchClause: the first silent window starts the run
      case 'speaking':
        if (voiced) {
          this.lastSpeechEndAt = windowEndAt;
          return undefined;
        }
        this.state = 'stopping';
        this.runMs = 0;
      // falls through: this silent window counts towards the stop
      case 'stopping':
        if (voiced) {
          this.state = 'speaking';
          this.lastSpeechEndAt = windowEndAt;
          return undefined;
        }
        this.runMs += windowMs;
        if (this.runMs >= this.params.stopMs) {
          this.state = 'quiet';
          return { kind: 'stopped', speechEndedAt: this.lastSpeechEndAt };
        }
        if (!this.crossedPause(windowMs)) return undefined;
        return { kind: 'paused', speechEndedAt: this.lastSpeechEndAt };
    }
  }

  /** This window's silence run just reached `pauseMs` (once per run). */
  private crossedPause(windowMs: number): boolean {
    const pauseMs = this.params.pauseMs ?? 0;
    if (pauseMs <= 0 || pauseMs >= this.params.stopMs) return false;
    return this.runMs >= pauseMs && this.runMs - windowMs < pauseMs;
  }

  reset(): void {
    this.state = 'quiet';
    this.runMs = 0;
  }
}
