import { AudioChunker } from '../../audio/AudioChunker.ts';
import { Resampler } from '../../audio/Resampler.ts';
import { SampleFifo } from '../../processors/audio/SampleFifo.ts';
import { RNNOISE_FRAME_SAMPLES, RNNOISE_SAMPLE_RATE } from './RnnoiseModule.ts';
import { RnnoiseState } from './RnnoiseState.ts';

/** At or above this limit RNNoise's own suppression is used unmixed. */
export const UNLIMITED_ATTENUATION_DB = 100;

/**
 * Streaming noise suppression for PCM s16 mono at any rate: resampled to
 * 48 kHz for RNNoise and back, with the original mixed back in at
 * −`attenuationLimitDb` so that nothing, noise or quiet speech RNNoise takes
 * for noise, is turned down by more than the limit.
 *
 * Every call returns exactly as many samples as it was given, delayed by a
 * constant `latencySamples`: the resamplers and the 10 ms framing hold audio
 * back by a varying amount, so the output is read from a queue primed with
 * silence long enough that it never runs dry, and RNNoise's own output lags
 * its input by one frame. Callers can keep frame sizes and timestamps.
 */
export class RnnoiseDenoiser {
  /** Output samples (at the stream's rate) behind the input. */
  readonly latencySamples: number;
  /** RNNoise's voice probability for the last frame it processed (0…1). */
  voiceProbability = 0;
  /** Samples the output queue has had to make up with silence; 0 unless the hold estimate is wrong. */
  underrunSamples = 0;
  private dryGain = 0;
  private readonly chunker = new AudioChunker(RNNOISE_FRAME_SAMPLES);
  private readonly output = new SampleFifo();
  private readonly input48k = new Float32Array(RNNOISE_FRAME_SAMPLES);
  private readonly denoised48k = new Float32Array(RNNOISE_FRAME_SAMPLES);
  /** The previous input frame: RNNoise's output lags by one, so this is the dry signal that matches it. */
  private readonly dry48k = new Float32Array(RNNOISE_FRAME_SAMPLES);

  private constructor(
    readonly sampleRate: number,
    private readonly state: RnnoiseState,
    private readonly up: Resampler,
    private readonly down: Resampler,
    private readonly holdSamples: number,
    attenuationLimitDb: number,
  ) {
    this.attenuationLimitDb = attenuationLimitDb;
    const lagSamples = Math.round((RNNOISE_FRAME_SAMPLES * sampleRate) / RNNOISE_SAMPLE_RATE);
    this.latencySamples = holdSamples + lagSamples;
    this.output.pushSilence(holdSamples);
  }

  static async create(sampleRate: number, attenuationLimitDb: number): Promise<RnnoiseDenoiser> {
    const state = await RnnoiseState.create();
    const resamplers: Resampler[] = [];
    try {
      const up = await Resampler.create(sampleRate, RNNOISE_SAMPLE_RATE);
      resamplers.push(up);
      const down = await Resampler.create(RNNOISE_SAMPLE_RATE, sampleRate);
      resamplers.push(down);
      const hold = measureHold(sampleRate, up, down);
      return new RnnoiseDenoiser(sampleRate, state, up, down, hold, attenuationLimitDb);
    } catch (error) {
      state.destroy();
      for (const resampler of resamplers) resampler.destroy();
      throw error;
    }
  }

  get latencyMs(): number {
    return (this.latencySamples / this.sampleRate) * 1000;
  }

  /** Most the signal is turned down, in dB; `UNLIMITED_ATTENUATION_DB` or more: RNNoise alone. */
  set attenuationLimitDb(db: number) {
    if (!(db >= 0)) throw new RangeError(`attenuationLimitDb must be ≥ 0, got ${db}`);
    this.dryGain = db >= UNLIMITED_ATTENUATION_DB ? 0 : 10 ** (-db / 20);
  }

  /** Denoises the next chunk of the stream; returns the same number of samples, `latencySamples` later. */
  process(samples: Int16Array): Int16Array {
    for (const frame of this.chunker.push(this.up.process(samples))) {
      this.output.push(this.down.process(this.denoiseFrame(frame)));
    }
    const out = this.output.take(samples.length);
    this.underrunSamples += this.output.shortBy;
    return out;
  }

  /** Forgets the stream so far (the next call starts a new one, primed again). */
  reset(): void {
    this.state.reset();
    this.up.reset();
    this.down.reset();
    this.chunker.reset();
    this.dry48k.fill(0);
    this.output.clear();
    this.output.pushSilence(this.holdSamples);
  }

  destroy(): void {
    this.state.destroy();
    this.up.destroy();
    this.down.destroy();
  }

  get destroyed(): boolean {
    return this.state.destroyed;
  }

  private denoiseFrame(frame: Int16Array): Int16Array {
    const input = this.input48k;
    for (let i = 0; i < frame.length; i++) input[i] = frame[i];
    this.voiceProbability = this.state.processFrame(input, this.denoised48k);
    const dry = this.dry48k;
    const wetGain = 1 - this.dryGain;
    const mixed = new Int16Array(RNNOISE_FRAME_SAMPLES);
    for (let i = 0; i < mixed.length; i++) {
      const s = Math.round(wetGain * this.denoised48k[i] + this.dryGain * dry[i]);
      mixed[i] = Math.min(32767, Math.max(-32768, s));
    }
    // This frame's input is the dry match for the next frame's output.
    dry.set(input);
    return mixed;
  }
}

/**
 * The most input (at the stream's rate) the pipeline can hold back before an
 * output sample comes out: what each resampler keeps for its filter, found by
 * feeding it 10 ms and counting what is missing, plus a 48 kHz frame short of
 * one sample waiting to fill. Measured rather than assumed because
 * libsamplerate's hold depends on the converter and the ratio.
 */
function measureHold(sampleRate: number, up: Resampler, down: Resampler): number {
  const upIn = Math.round(sampleRate / 100);
  const upHeld = RNNOISE_FRAME_SAMPLES - up.process(new Int16Array(upIn)).length;
  const downHeld = upIn - down.process(new Int16Array(RNNOISE_FRAME_SAMPLES)).length;
  up.reset();
  down.reset();
  const toStreamRate = sampleRate / RNNOISE_SAMPLE_RATE;
  return Math.ceil((upHeld + RNNOISE_FRAME_SAMPLES - 1) * toStreamRate) + downHeld + 1;
}
