export interface VadParams {
  /** Speech probability a window needs to count as speech (0…1). */
  confidence: number;
  /** Continuous speech needed before the user counts as speaking (s). */
  startSecs: number;
  /** Continuous silence needed before the user counts as done (s). */
  stopSecs: number;
  /**
   * Silence after which a `paused` transition is reported, before `stopSecs`
   * (s); 0 or ≥ stopSecs: never. Lets a preemptive LLM request start while the
   * stop delay is still running.
   */
  pauseSecs?: number;
  /** Windows quieter than this (dBFS) are silence whatever the model says. */
  minVolume: number;
}

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
        if (this.runMs >= this.params.startSecs * 1000) {
          this.state = 'speaking';
          this.lastSpeechEndAt = windowEndAt;
          return { kind: 'started', speechStartedAt: this.runStartedAt };
        }
        return undefined;
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
        if (this.runMs >= this.params.stopSecs * 1000) {
          this.state = 'quiet';
          return { kind: 'stopped', speechEndedAt: this.lastSpeechEndAt };
        }
        return this.crossedPause(windowMs) ? { kind: 'paused', speechEndedAt: this.lastSpeechEndAt } : undefined;
    }
  }

  /** This window's silence run just reached `pauseSecs` (once per run). */
  private crossedPause(windowMs: number): boolean {
    const pauseMs = (this.params.pauseSecs ?? 0) * 1000;
    if (pauseMs <= 0 || pauseMs >= this.params.stopSecs * 1000) return false;
    return this.runMs >= pauseMs && this.runMs - windowMs < pauseMs;
  }

  reset(): void {
    this.state = 'quiet';
    this.runMs = 0;
  }
}
