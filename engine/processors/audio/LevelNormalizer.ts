import { PeakLimiter } from './PeakLimiter.ts';
import { SpeechLevelMeter } from './SpeechLevelMeter.ts';

export interface LevelNormalizerOptions {
  /** Speech level to reach (dBFS RMS over speech). */
  targetDbfs: number;
  /** Most the gain may lift a quiet microphone (dB). */
  maxGainDb: number;
  /** Most the gain may lower a loud one (dB). */
  maxCutDb: number;
  /** Quieter blocks are never taken for speech (dBFS). */
  gateDbfs: number;
  /** No sample goes above this (dBFS peak). */
  ceilingDbfs: number;
}

/**
 * How fast the gain follows the speech level. Lifting is slow, so a soft
 * onset does not boost the loud syllable after it; cutting is fast, so a hot
 * microphone is tamed within its first word. Both stay quick enough for a
 * short first turn.
 */
const LIFT_TIME_CONSTANT_MS = 150;
const CUT_TIME_CONSTANT_MS = 20;
const BLOCK_MS = 10;

/**
 * Automatic gain for a microphone stream: measures the talker's level over
 * speech only (SpeechLevelMeter), steers a smoothed gain towards the target
 * and holds it through pauses, then limits peaks. Works sample by sample, so
 * it adds no delay and any chunk size goes; until the first speech the gain
 * is 1, so silence and steady noise pass unchanged.
 */
export class LevelNormalizer {
  private readonly meter: SpeechLevelMeter;
  private readonly limiter: PeakLimiter;
  private readonly blockSamples: number;
  private readonly liftStep: number;
  private readonly cutStep: number;
  private options: LevelNormalizerOptions;
  private blockPower = 0;
  private blockFill = 0;
  private gain = 1;
  private targetGain = 1;

  constructor(
    readonly sampleRate: number,
    options: LevelNormalizerOptions,
  ) {
    if (!Number.isInteger(sampleRate) || sampleRate < 1000) {
      throw new RangeError(
        `LevelNormalizer: sample rate must be an integer ≥ 1000, got ${sampleRate}`,
      );
    }
    this.options = options;
    this.blockSamples = Math.round((sampleRate * BLOCK_MS) / 1000);
    this.liftStep = 1 - Math.exp(-1000 / (LIFT_TIME_CONSTANT_MS * sampleRate));
    this.cutStep = 1 - Math.exp(-1000 / (CUT_TIME_CONSTANT_MS * sampleRate));
    this.meter = new SpeechLevelMeter({ gateDbfs: options.gateDbfs });
    this.limiter = new PeakLimiter(options.ceilingDbfs, sampleRate);
  }

  /** The gain now applied, in dB (before the limiter). */
  get gainDb(): number {
    return 20 * Math.log10(this.gain);
  }

  /** The talker's level as measured so far (dBFS), undefined before any speech. */
  get speechDbfs(): number | undefined {
    return this.meter.speechDbfs;
  }

  update(options: Partial<LevelNormalizerOptions>): void {
    this.options = { ...this.options, ...options };
    this.meter.options = { ...this.meter.options, gateDbfs: this.options.gateDbfs };
    this.limiter.setCeiling(this.options.ceilingDbfs);
    this.steer();
  }

  /** The next chunk of the stream, gain applied and peaks limited; the same length. */
  process(samples: Int16Array): Int16Array {
    const out = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      // Measured on the input: what the gain should be does not depend on the gain.
      this.blockPower += sample * sample;
      if (++this.blockFill === this.blockSamples) this.endBlock();
      const step = this.targetGain > this.gain ? this.liftStep : this.cutStep;
      this.gain += (this.targetGain - this.gain) * step;
      out[i] = this.limiter.limit(sample * this.gain);
    }
    return out;
  }

  reset(): void {
    this.meter.reset();
    this.limiter.reset();
    this.blockPower = 0;
    this.blockFill = 0;
    this.gain = 1;
    this.targetGain = 1;
  }

  private endBlock(): void {
    const isSpeech = this.meter.addBlock(this.blockPower / this.blockSamples);
    this.blockPower = 0;
    this.blockFill = 0;
    if (isSpeech) this.steer();
  }

  private steer(): void {
    const level = this.meter.speechDbfs;
    if (level === undefined) return;
    const { targetDbfs, maxGainDb, maxCutDb } = this.options;
    const gainDb = Math.min(maxGainDb, Math.max(-maxCutDb, targetDbfs - level));
    this.targetGain = 10 ** (gainDb / 20);
  }
}
