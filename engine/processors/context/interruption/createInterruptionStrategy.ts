import type { UserTurnSettings } from '../UserTurnAggregator.ts';
import { ImmediateInterruption } from './ImmediateInterruption.ts';
import type { BargeInHost, InterruptionStrategy } from './InterruptionStrategy.ts';
import { MinDurationInterruption } from './MinDurationInterruption.ts';
import { MinWordsInterruption } from './MinWordsInterruption.ts';

type StrategySettings = Pick<UserTurnSettings, 'interruption' | 'minDurationMs' | 'minWords'>;

/** The strategy the settings name, to judge one stretch of speech. */
export function createInterruptionStrategy(
  settings: StrategySettings,
  host: BargeInHost,
): InterruptionStrategy {
  switch (settings.interruption) {
    case 'immediate':
      return new ImmediateInterruption(host);
    case 'minDuration':
      return new MinDurationInterruption(host, settings.minDurationMs);
    case 'minWords':
      return new MinWordsInterruption(host, settings.minWords);
  }
}
