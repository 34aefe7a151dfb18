/**
 * One audio stream's view of the shared Silero model: the recurrent state and
 * the 64-sample context that Silero v5 carries from window to window. Windows
 * of a stream must be scored one after the other; streams are independent.
 */
import type { SharedSileroVad } from './SharedSileroVad.ts';
import { SILERO_WINDOW_SAMPLES } from './SileroVadModel.ts';

/** v5 expects the last 64 samples of the previous window prepended to each new one. */
const CONTEXT_SAMPLES = 64;
export const SILERO_INPUT_SAMPLES = CONTEXT_SAMPLES + SILERO_WINDOW_SAMPLES;
/** [2, 1, 128]: the LSTM's h and c. */
export const SILERO_STATE_SIZE = 2 * 128;

export class SileroVadStream {
  private state: Float32Array = new Float32Array(SILERO_STATE_SIZE);
  private readonly context = new Float32Array(CONTEXT_SAMPLES);
  private running = false;
  /** Bumped by reset(): a result that comes back afterwards must not restore the old state. */
  private epoch = 0;

  constructor(private readonly model: SharedSileroVad) {}

  /** Speech probability (0…1) of the next 512-sample window of 16 kHz audio; int16 is scaled to ±1. */
  async probability(window: Float32Array | Int16Array): Promise<number> {
    if (window.length !== SILERO_WINDOW_SAMPLES) {
      throw new RangeError(
        `SileroVadStream: expected ${SILERO_WINDOW_SAMPLES} samples at 16 kHz, got ${window.length}`,
      );
    }
    if (this.running)
      throw new Error(
        'SileroVadStream: probability() called while the previous window is still running',
      );
    const input = new Float32Array(SILERO_INPUT_SAMPLES);
    input.set(this.context);
    if (window instanceof Int16Array) {
      for (let i = 0; i < SILERO_WINDOW_SAMPLES; i++)
        input[CONTEXT_SAMPLES + i] = window[i] / 32768;
    } else {
      input.set(window, CONTEXT_SAMPLES);
    }
    this.context.set(input.subarray(SILERO_INPUT_SAMPLES - CONTEXT_SAMPLES));
    const epoch = this.epoch;
    this.running = true;
    try {
      const result = await this.model.infer(input, this.state);
      if (epoch === this.epoch) this.state = result.state;
      return result.probability;
    } finally {
      this.running = false;
    }
  }

  /** Forget the stream so far (new utterance source, after an interruption, …). */
  reset(): void {
    this.epoch++;
    this.state = new Float32Array(SILERO_STATE_SIZE);
    this.context.fill(0);
  }
}
