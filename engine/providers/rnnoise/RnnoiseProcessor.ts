import { z } from 'zod';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import { createFrame, type Frame, type FrameOf } from '../../core/frames.ts';
import { RnnoiseDenoiser, UNLIMITED_ATTENUATION_DB } from './RnnoiseDenoiser.ts';
import { loadRnnoise } from './RnnoiseModule.ts';

export const rnnoiseSettings = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe('Suppress noise; off passes the microphone through untouched, with no delay'),
  attenuationLimitDb: z
    .number()
    .min(0)
    .max(UNLIMITED_ATTENUATION_DB)
    .default(UNLIMITED_ATTENUATION_DB)
    .describe(
      'Most that anything is turned down (dB): lower keeps more of the original under the ' +
        `cleaned audio, and of quiet speech RNNoise mistakes for noise. ${UNLIMITED_ATTENUATION_DB}: no limit`,
    ),
});

export type RnnoiseSettings = z.output<typeof rnnoiseSettings>;

/**
 * Noise suppression on the microphone stream, before VAD and STT. Each
 * `audio.in` frame comes out with the same length, rate and timestamp,
 * carrying audio `latencyMs` older (22.5 ms at 16 kHz: see RnnoiseDenoiser);
 * everything else passes unchanged. One RNNoise state per processor, released
 * on stop; turning it off and on again starts a fresh stream.
 */
export class RnnoiseProcessor extends FrameProcessor {
  protected override readonly settingsSchema = rnnoiseSettings;
  private settings: RnnoiseSettings;
  private denoiser: RnnoiseDenoiser | undefined;

  constructor(id: string, settings: Partial<RnnoiseSettings> = {}) {
    super(id);
    this.settings = rnnoiseSettings.parse(settings);
  }

  /** Delay of the audio it passes on, in ms (0 until the first frame sets the rate, or while off). */
  get latencyMs(): number {
    return this.settings.enabled ? (this.denoiser?.latencyMs ?? 0) : 0;
  }

  protected override async onStart(): Promise<void> {
    // The module loads once per process; loading here keeps it off the first frame's path.
    await loadRnnoise();
  }

  protected override onSettings(update: Partial<RnnoiseSettings>): void {
    const wasEnabled = this.settings.enabled;
    this.settings = { ...this.settings, ...update };
    if (!this.denoiser) return;
    this.denoiser.attenuationLimitDb = this.settings.attenuationLimitDb;
    // Audio held from before a pause must not come out after it.
    if (this.settings.enabled && !wasEnabled) this.denoiser.reset();
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (frame.type !== 'audio.in' || direction !== 'downstream' || !this.settings.enabled) {
      this.push(frame, direction);
      return;
    }
    if (this.denoiser?.sampleRate === frame.sampleRate) {
      this.push(this.denoise(this.denoiser, frame));
      return;
    }
    return this.restartAt(frame);
  }

  protected override onStop(): void {
    this.denoiser?.destroy();
    this.denoiser = undefined;
  }

  /** The first frame, or a change of rate: a denoiser for this rate, then this frame. */
  private async restartAt(frame: FrameOf<'audio.in'>): Promise<void> {
    this.denoiser?.destroy();
    this.denoiser = undefined;
    const denoiser = await RnnoiseDenoiser.create(
      frame.sampleRate,
      this.settings.attenuationLimitDb,
    );
    if (this.isStopped) {
      denoiser.destroy(); // cancelled while it was being built
      return;
    }
    this.denoiser = denoiser;
    this.push(this.denoise(denoiser, frame));
  }

  private denoise(denoiser: RnnoiseDenoiser, frame: FrameOf<'audio.in'>): FrameOf<'audio.in'> {
    const audio = denoiser.process(frame.audio);
    return createFrame('audio.in', { audio, sampleRate: frame.sampleRate }, frame.at);
  }
}
