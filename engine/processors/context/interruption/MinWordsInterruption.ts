import type { BargeInHost, InterruptionStrategy } from './InterruptionStrategy.ts';

/** Speech interrupts once the recogniser has heard `minWords` words: "mm-hm" never does. */
export class MinWordsInterruption implements InterruptionStrategy {
  constructor(
    private readonly host: BargeInHost,
    private readonly minWords: number,
  ) {}

  speechStarted(): void {}

  wordsHeard(words: string): void {
    const count = words.split(/\s+/).filter(Boolean).length;
    if (count >= this.minWords) this.host.interrupt(`user said ${count} words`);
  }

  reset(): void {}
}
