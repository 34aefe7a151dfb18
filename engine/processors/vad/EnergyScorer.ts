import { dbfs } from '../../audio/level.ts';
import type { ScorerDefaults, SpeechScorer } from './VadProcessor.ts';

/** Speech from half way up the loudness scale (−35 dBFS); below the scale's floor is silence. */
export const ENERGY_SCORER_DEFAULTS: ScorerDefaults = { confidence: 0.5, minVolume: -50 };

/**
 * Zero-dependency fallback: loudness as a speech score. -50 dBFS and below
 * scores 0, -20 dBFS and above scores 1. Fooled by any noise, but needs no
 * model.
 */
export class EnergyScorer implements SpeechScorer {
  readonly windowSamples = 320; // 20 ms at 16 kHz
  readonly defaults = ENERGY_SCORER_DEFAULTS;

  constructor(
    private readonly silenceDb = -50,
    private readonly speechDb = -20,
  ) {}

  score(window: Int16Array): number {
    const db = dbfs(window);
    return Math.min(1, Math.max(0, (db - this.silenceDb) / (this.speechDb - this.silenceDb)));
  }

  reset(): void {}
  release(): void {}
}
