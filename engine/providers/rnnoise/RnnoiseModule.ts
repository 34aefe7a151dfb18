/// <reference path="./rnnoiseWasm.d.ts" />
// (The package has no types of its own; this brings ours into any program that imports this file.)
/**
 * RNNoise (xiph, BSD-3-Clause) compiled to WebAssembly, with its built-in
 * model, from @echogarden/rnnoise-wasm. One module per process, loaded on
 * first use: its heap holds every session's denoise state (a few tens of kB
 * each), so a session costs a state, not a module.
 */
import createRnnoise, { type RnnoiseWasmExports } from '@echogarden/rnnoise-wasm';

/** RNNoise's only rate: its bands and its model are for 48 kHz. */
export const RNNOISE_SAMPLE_RATE = 48_000;
/** 10 ms at 48 kHz; the module reports it and RnnoiseState checks. */
export const RNNOISE_FRAME_SAMPLES = 480;

let loading: Promise<RnnoiseWasmExports> | undefined;

/** The process-wide module; a failed load is retried on the next call rather than cached. */
export function loadRnnoise(): Promise<RnnoiseWasmExports> {
  loading ??= createRnnoise().then(
    (module) => {
      const frameSize = module._rnnoise_get_frame_size();
      if (frameSize !== RNNOISE_FRAME_SAMPLES) {
        throw new Error(
          `@echogarden/rnnoise-wasm: frame size ${frameSize}, expected ${RNNOISE_FRAME_SAMPLES}`,
        );
      }
      return module;
    },
    (error: unknown) => {
      loading = undefined;
      throw new Error(`@echogarden/rnnoise-wasm failed to load: ${String(error)}`);
    },
  );
  return loading;
}
