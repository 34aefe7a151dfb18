import type { BargeInHost, InterruptionStrategy } from './InterruptionStrategy.ts';

/** Any speech interrupts the bot the moment it starts. */
export class ImmediateInterruption implements InterruptionStrategy {
  constructor(private readonly host: BargeInHost) {}

  speechStarted(): void {
    this.host.interrupt('user started speaking');
  }

  wordsHeard(): void {}

  reset(): void {}
}
