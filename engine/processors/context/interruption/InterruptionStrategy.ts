import type { TimerHandle } from '../../../core/Clock.ts';

/** What a strategy may do: interrupt the bot, and wait on the owner's clock. */
export interface BargeInHost {
  /** The speech qualified as a barge-in. */
  interrupt(reason: string): void;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
}

/**
 * Decides when user speech over a speaking bot becomes a barge-in, in the
 * manner of Pipecat's user-start strategies: one small class per rule. One
 * instance judges one stretch of speech; speech that never qualifies (a
 * cough, "uh-huh") does not stop the bot.
 */
export interface InterruptionStrategy {
  /** The user started speaking over the bot. */
  speechStarted(): void;
  /** The words recognised in this stretch of speech so far. */
  wordsHeard(words: string): void;
  /** The speech ended, or interrupted: stop judging it. */
  reset(): void;
}
