import type { Clock } from '../../core/Clock.ts';
import { BargeInPause, type OutputControls } from './BargeInPause.ts';
import { createInterruptionStrategy } from './interruption/createInterruptionStrategy.ts';
import type { InterruptionStrategy } from './interruption/InterruptionStrategy.ts';
import type { UserTurnSettings } from './UserTurnAggregator.ts';

type BargeInSettings = Pick<
  UserTurnSettings,
  'interruption' | 'minDurationMs' | 'minWords' | 'falseInterruption' | 'falseInterruptionTimeoutMs'
>;

/** What barge-in acts on: the interrupt, and the bot's output while speech is judged. */
interface BargeInControls extends OutputControls {
  interrupt(reason: string): void;
}

/**
 * Barge-in over a speaking bot: the interruption strategy the settings name
 * judges each stretch of user speech, and with `falseInterruption: 'pause'`
 * the bot's output is held (BargeInPause) until it is decided. The owner
 * reports speech and words, and its own interrupts.
 */
export class BargeIn {
  /** Judges the stretch of speech in progress, until it interrupts or ends. */
  private judging: InterruptionStrategy | undefined;
  private readonly held: BargeInPause;

  constructor(
    /** The owner's clock, read at each use: a processor gets its clock only when placed in a graph. */
    private readonly timers: Pick<Clock, 'setTimeout'>,
    private readonly controls: BargeInControls,
  ) {
    this.held = new BargeInPause(timers, controls);
  }

  /** User speech started over the speaking bot. */
  speechStarted(settings: BargeInSettings): void {
    if (!this.judging) {
      // Started again without a stop in between: the speech is judged from its first start.
      this.judging = createInterruptionStrategy(settings, {
        interrupt: (reason) => this.controls.interrupt(reason),
        setTimeout: (callback, delayMs) => this.timers.setTimeout(callback, delayMs),
      });
      this.judging.speechStarted();
    }
    // Not a barge-in yet: quiet as fast as an immediate one, yet nothing is lost if it is a cough.
    if (this.judging && settings.falseInterruption === 'pause') {
      this.held.begin(settings.falseInterruptionTimeoutMs);
    }
  }

  /** The words recognised in the speech being judged. */
  wordsHeard(words: string): void {
    this.judging?.wordsHeard(words);
  }

  /** The speech ended; if it never interrupted, the bot plays on. */
  speechEnded(interrupted: boolean): void {
    this.stopJudging();
    if (!interrupted) this.held.resume('speech ended without interrupting');
  }

  /** The owner interrupted the bot: the held output is flushed with it, nothing to resume. */
  interrupted(): void {
    this.held.abandon();
    this.stopJudging();
  }

  /** The bot stopped by itself (or was interrupted): nothing held to resume. */
  botStopped(): void {
    this.held.abandon();
  }

  settingsChanged(settings: BargeInSettings): void {
    // Pausing switched off mid-pause: nothing would resume the bot any more.
    if (settings.falseInterruption !== 'pause') this.held.resume('falseInterruption set to ignore');
  }

  stop(): void {
    this.stopJudging();
    this.held.abandon();
  }

  private stopJudging(): void {
    this.judging?.reset();
    this.judging = undefined;
  }
}
