import type { ScorerDefaults, SpeechScorer } from '../../processors/vad/VadProcessor.ts';
import { sharedSileroVad } from './SharedSileroVad.ts';
import { SILERO_WINDOW_SAMPLES } from './SileroVadModel.ts';
import type { SileroVadStream } from './SileroVadStream.ts';

/** Silero's node defaults: speech at a probability of 0.6, and nothing below −55 dBFS is speech. */
export const SILERO_SCORER_DEFAULTS: ScorerDefaults = { confidence: 0.6, minVolume: -55 };

/**
 * Silero VAD v5 (ONNX, CPU): a neural speech probability per 32 ms window.
 * Every session's scorer is a stream on one process-wide model that runs
 * batched in a worker thread (see SharedSileroVad), off the event loop.
 */
export class SileroScorer implements SpeechScorer {
  readonly windowSamples = SILERO_WINDOW_SAMPLES;
  readonly defaults = SILERO_SCORER_DEFAULTS;
  private stream: SileroVadStream | undefined;

  /** Loads the shared model (once per process); the VAD's onStart awaits it so no window is scored before. */
  async load(): Promise<void> {
    const model = sharedSileroVad();
    await model.ready();
    this.stream ??= model.openStream();
  }

  async score(window: Int16Array): Promise<number> {
    if (!this.stream) await this.load();
    return this.stream!.probability(window);
  }

  reset(): void {
    this.stream?.reset();
  }

  /** The model stays loaded for other sessions; `closeSharedServices()` stops it. */
  release(): void {
    this.stream = undefined;
  }
}
