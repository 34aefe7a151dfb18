import { z } from 'zod';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import { createFrame, type Frame, type FrameOf } from '../../core/frames.ts';
import { LevelNormalizer, type LevelNormalizerOptions } from './LevelNormalizer.ts';

export const levelNormalizeSettings = z.object({
  enabled: z.boolean().default(true).describe('Normalise the level; off passes audio untouched'),
  targetDbfs: z
    .number()
    .min(-40)
    .max(-6)
    .default(-20)
    .describe('Speech level to bring the microphone to (dBFS RMS over speech)'),
  maxGainDb: z
    .number()
    .min(0)
    .max(40)
    .default(30)
    .describe('Most a quiet microphone is lifted (dB); the noise between words rises with it'),
  maxCutDb: z
    .number()
    .min(0)
    .max(40)
    .default(20)
    .describe('Most a loud microphone is turned down (dB)'),
  gateDbfs: z
    .number()
    .min(-80)
    .max(-20)
    .default(-55)
    .describe('Quieter audio is never taken for speech, so it never sets the gain (dBFS)'),
  ceilingDbfs: z
    .number()
    .min(-12)
    .max(0)
    .default(-1)
    .describe('Peaks are limited to this, so nothing clips (dBFS)'),
});

export type LevelNormalizeSettings = z.output<typeof levelNormalizeSettings>;

/**
 * Level normalisation (automatic gain) on the microphone stream: quiet and
 * loud microphones reach VAD and STT at one speech level, peaks limited.
 * Each `audio.in` frame comes out with the same length, rate and timestamp,
 * and no delay; everything else passes unchanged.
 */
export class LevelNormalizeProcessor extends FrameProcessor {
  protected override readonly settingsSchema = levelNormalizeSettings;
  private settings: LevelNormalizeSettings;
  private normalizer: LevelNormalizer | undefined;

  constructor(id: string, settings: Partial<LevelNormalizeSettings> = {}) {
    super(id);
    this.settings = levelNormalizeSettings.parse(settings);
  }

  /** The gain applied now (dB), 0 before the first frame. */
  get gainDb(): number {
    return this.normalizer?.gainDb ?? 0;
  }

  protected override onSettings(update: Partial<LevelNormalizeSettings>): void {
    const wasEnabled = this.settings.enabled;
    this.settings = { ...this.settings, ...update };
    this.normalizer?.update(this.normalizerOptions());
    // Switched back on: the talker may have changed while it was off.
    if (this.settings.enabled && !wasEnabled) this.normalizer?.reset();
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type !== 'audio.in' || direction !== 'downstream' || !this.settings.enabled) {
      this.push(frame, direction);
      return;
    }
    this.push(this.normalize(frame));
  }

  protected override onStop(): void {
    this.normalizer = undefined;
  }

  private normalize(frame: FrameOf<'audio.in'>): FrameOf<'audio.in'> {
    if (this.normalizer?.sampleRate !== frame.sampleRate) {
      this.normalizer = new LevelNormalizer(frame.sampleRate, this.normalizerOptions());
    }
    const audio = this.normalizer.process(frame.audio);
    return createFrame('audio.in', { audio, sampleRate: frame.sampleRate }, frame.at);
  }

  private normalizerOptions(): LevelNormalizerOptions {
    const { targetDbfs, maxGainDb, maxCutDb, gateDbfs, ceilingDbfs } = this.settings;
    return { targetDbfs, maxGainDb, maxCutDb, gateDbfs, ceilingDbfs };
  }
}
