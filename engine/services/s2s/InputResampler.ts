import { Resampler } from '../../audio/Resampler.ts';

/**
 * Brings microphone audio to the one rate a speech-to-speech provider takes,
 * whatever rate the frames arrive at: one streaming resampler, rebuilt when
 * the input rate changes (a transport swap), so chunk boundaries stay seamless.
 */
export class InputResampler {
  private resampler: Resampler | undefined;

  constructor(readonly toRate: number) {}

  async process(audio: Int16Array, sampleRate: number): Promise<Int16Array> {
    if (!this.resampler || this.resampler.fromRate !== sampleRate) {
      this.resampler?.destroy();
      this.resampler = await Resampler.create(sampleRate, this.toRate);
    }
    return this.resampler.process(audio);
  }

  destroy(): void {
    this.resampler?.destroy();
  }
}
