/**
 * The package ships an Emscripten build without type declarations; this
 * describes the part of it RnnoiseModule uses. Pointers are byte offsets into
 * the module's heap.
 */
declare module '@echogarden/rnnoise-wasm' {
  export interface RnnoiseWasmExports {
    /** `model` 0: the built-in model. Returns a state pointer. */
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    /** Resets a state to silence, as if new (`model` 0: the built-in one). */
    _rnnoise_init(state: number, model: number): number;
    /** Samples per frame: 480 (10 ms at 48 kHz). */
    _rnnoise_get_frame_size(): number;
    /** Denoises one frame of float samples in 16-bit scale; returns the frame's voice probability 0…1. */
    _rnnoise_process_frame(state: number, output: number, input: number): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Replaced when the heap grows: read it afresh after any call that may allocate. */
    HEAPF32: Float32Array;
  }
  export default function createRnnoise(options?: object): Promise<RnnoiseWasmExports>;
}
