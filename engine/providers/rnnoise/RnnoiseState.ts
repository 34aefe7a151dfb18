/// <reference path="./rnnoiseWasm.d.ts" />
// (The package has no types of its own; this brings ours into any program that imports this file.)
import type { RnnoiseWasmExports } from '@echogarden/rnnoise-wasm';
import { loadRnnoise, RNNOISE_FRAME_SAMPLES } from './RnnoiseModule.ts';

const BYTES_PER_FLOAT = 4;

/**
 * One stream's RNNoise state and the two heap buffers its frames pass
 * through. The network is recurrent, so a state must never see two streams;
 * `destroy()` hands the memory back to the shared module's heap.
 */
export class RnnoiseState {
  private state: number;
  private readonly inputPointer: number;
  private readonly outputPointer: number;

  private constructor(private readonly module: RnnoiseWasmExports) {
    this.state = module._rnnoise_create(0);
    if (this.state === 0) throw new Error('RNNoise: out of memory creating a denoise state');
    this.inputPointer = module._malloc(RNNOISE_FRAME_SAMPLES * BYTES_PER_FLOAT);
    this.outputPointer = module._malloc(RNNOISE_FRAME_SAMPLES * BYTES_PER_FLOAT);
  }

  static async create(): Promise<RnnoiseState> {
    return new RnnoiseState(await loadRnnoise());
  }

  get destroyed(): boolean {
    return this.state === 0;
  }

  /**
   * Denoises one 480-sample frame (float, 16-bit scale) into `output`. The
   * output lags the input by one frame: RNNoise overlaps two frames per
   * analysis window. Returns RNNoise's voice probability for the frame.
   */
  processFrame(input: Float32Array, output: Float32Array): number {
    if (this.state === 0) throw new Error('RNNoise: processFrame after destroy');
    if (input.length !== RNNOISE_FRAME_SAMPLES || output.length !== RNNOISE_FRAME_SAMPLES) {
      throw new RangeError(
        `RNNoise frames are ${RNNOISE_FRAME_SAMPLES} samples, got ${input.length} in, ${output.length} out`,
      );
    }
    // The heap view is re-read each time: another state's malloc may have grown the heap.
    this.module.HEAPF32.set(input, this.inputPointer / BYTES_PER_FLOAT);
    const voice = this.module._rnnoise_process_frame(
      this.state,
      this.outputPointer,
      this.inputPointer,
    );
    const start = this.outputPointer / BYTES_PER_FLOAT;
    output.set(this.module.HEAPF32.subarray(start, start + RNNOISE_FRAME_SAMPLES));
    return voice;
  }

  /** Forgets everything heard, so old audio cannot colour new (a state re-initialised in place). */
  reset(): void {
    if (this.state === 0) throw new Error('RNNoise: reset after destroy');
    this.module._rnnoise_init(this.state, 0);
  }

  /** Frees the state and its buffers; safe to call twice. */
  destroy(): void {
    if (this.state === 0) return;
    this.module._rnnoise_destroy(this.state);
    this.module._free(this.inputPointer);
    this.module._free(this.outputPointer);
    this.state = 0;
  }
}
