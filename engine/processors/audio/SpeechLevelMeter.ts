/**
 * Estimates how loud the talker is, ignoring the pauses and the noise
 * between words, from 10 ms blocks of level. A block counts as speech when
 * it is above an absolute gate and well above the noise floor; only those
 * blocks move the estimate, so silence cannot drag it down (which would make
 * a gain built on it pump up the noise between words).
 */

export interface SpeechLevelMeterOptions {
  /** Blocks quieter than this are never speech (dBFS). */
  gateDbfs: number;
  /** Blocks need to be this far above the noise floor to count as speech (dB). */
  aboveFloorDb: number;
  /** Memory of the speech level once warmed up (ms): long, so loud and soft syllables average out. */
  timeConstantMs: number;
  /** How fast the noise floor may rise (dB/s); it falls at once to any quieter block. */
  floorRiseDbPerSecond: number;
}

export const SPEECH_LEVEL_METER_DEFAULTS: SpeechLevelMeterOptions = {
  gateDbfs: -55,
  aboveFloorDb: 10,
  timeConstantMs: 2000,
  floorRiseDbPerSecond: 3,
};

const BLOCK_MS = 10;
const FULL_SCALE_POWER = 32768 * 32768;

export class SpeechLevelMeter {
  options: SpeechLevelMeterOptions;
  /** The running noise floor (dBFS); +Infinity until the first block. */
  floorDbfs = Number.POSITIVE_INFINITY;
  private speechPower = 0;
  private speechBlocks = 0;

  constructor(options: Partial<SpeechLevelMeterOptions> = {}) {
    this.options = { ...SPEECH_LEVEL_METER_DEFAULTS, ...options };
  }

  /** Speech level so far (dBFS, RMS over speech blocks), or undefined before any speech. */
  get speechDbfs(): number | undefined {
    if (this.speechBlocks === 0) return undefined;
    return 10 * Math.log10(this.speechPower / FULL_SCALE_POWER);
  }

  /** Feeds one block's mean square (sample units²); returns whether it counted as speech. */
  addBlock(meanSquare: number): boolean {
    const db = meanSquare > 0 ? 10 * Math.log10(meanSquare / FULL_SCALE_POWER) : -100;
    const { gateDbfs, aboveFloorDb, timeConstantMs, floorRiseDbPerSecond } = this.options;
    const isSpeech = db >= gateDbfs && db >= this.floorDbfs + aboveFloorDb;
    const risen = this.floorDbfs + (floorRiseDbPerSecond * BLOCK_MS) / 1000;
    this.floorDbfs = Math.min(db, risen);
    if (isSpeech) {
      this.speechBlocks++;
      // A plain mean over the first blocks (fast and unbiased on the first
      // words), an exponential one once it spans the time constant. A faster
      // rise was tried: it caught loud vowels sooner but read speech 1–3 dB
      // hot, leaving output under target.
      const weight = Math.max(1 / this.speechBlocks, BLOCK_MS / timeConstantMs);
      this.speechPower += (meanSquare - this.speechPower) * weight;
    }
    return isSpeech;
  }

  reset(): void {
    this.floorDbfs = Number.POSITIVE_INFINITY;
    this.speechPower = 0;
    this.speechBlocks = 0;
  }
}
