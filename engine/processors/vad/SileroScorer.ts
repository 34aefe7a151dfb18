import { SILERO_WINDOW_SAMPLES, SileroVadModel } from '../../services/silero/SileroVadModel.ts';
import type { SpeechScorer } from './VadProcessor.ts';

/** Silero VAD v5 (ONNX, CPU): a neural speech probability per 32 ms window. */
export class SileroScorer implements SpeechScorer {
  readonly windowSamples = SILERO_WINDOW_SAMPLES;
  private model: SileroVadModel | undefined;
  private loading: Promise<SileroVadModel> | undefined;

  /** Loads the model; the VAD's onStart awaits it so no window is scored before. */
  async load(): Promise<void> {
    this.loading ??= SileroVadModel.create();
    this.model = await this.loading;
  }

  async score(window: Int16Array): Promise<number> {
    if (!this.model) await this.load();
    return this.model!.probability(window);
  }

  reset(): void {
    this.model?.reset();
  }

  async release(): Promise<void> {
    const model = this.model ?? (await this.loading?.catch(() => undefined));
    this.model = undefined;
    await model?.release();
  }
}
