import { createRequire } from 'node:module';

/**
 * libopus 1.4 compiled to WebAssembly, as opusscript ships it, with our own glue.
 *
 * Why not opusscript's JavaScript class: it addresses its PCM buffers with
 * `HEAPU16.subarray(pointer, …)`, i.e. at twice the address it malloc'd, so every encode and
 * decode writes outside its allocation. With one codec that lands in unused heap; with a few
 * dozen sessions it overwrites other codecs' state (libopus asserts, "memory access out of
 * bounds") and takes every session in the process down. It also keeps views that the heap
 * growing would detach. The compiled module underneath is sound: its handler takes raw byte
 * addresses, so this glue allocates correctly sized regions and reads the heap views afresh
 * on every call (growth replaces them).
 */

/** The embind class the module exports: one libopus encoder plus one decoder. */
export interface OpusScriptHandler {
  /**
   * Encodes `samples` samples of 16-bit PCM staged at `input` as one Opus packet into
   * `output` (room for MAX_PACKET_BYTES). The input holds each PCM *byte* in its own 16-bit
   * slot (low byte first): 2·samples slots, 4 bytes per sample. Returns the packet length,
   * or a negative libopus error.
   */
  _encode(input: number, samples: number, output: number, frameSize: number): number;
  /**
   * Decodes `bytes` bytes at `input` (0 bytes: packet-loss concealment) into `output`, one
   * PCM byte per 16-bit slot as above. Returns samples per channel, or a negative error.
   */
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(ctl: number, arg: number): number;
  _decoder_ctl(ctl: number, arg: number): number;
}

export interface LibopusModule {
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): OpusScriptHandler;
    destroy_handler(handler: OpusScriptHandler): void;
  };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** Replaced whenever the heap grows: never keep a reference across calls into the module. */
  HEAPU8: Uint8Array;
  HEAP16: Int16Array;
  HEAPU16: Uint16Array;
}

/** The handler's decode buffer: 6 × 20 ms at 48 kHz (libopus's 120 ms maximum). */
export const MAX_FRAME_SAMPLES = 5760;
/** libopus's largest packet for one frame (three 1276-byte CELT frames). */
export const MAX_PACKET_BYTES = 1276 * 3;
/** libopus error codes (opus_defines.h). */
export const OPUS_ERRORS: Readonly<Record<number, string>> = {
  [-1]: 'bad argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'invalid packet',
  [-5]: 'unimplemented',
  [-6]: 'invalid state',
  [-7]: 'memory allocation failed',
};
export const OPUS_APPLICATION_VOIP = 2048;

let loaded: LibopusModule | undefined;

/** The process's one libopus instance (instantiated synchronously on first use). */
export function libopus(): LibopusModule {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const factory = require('opusscript/build/opusscript_native_wasm.js') as () => LibopusModule;
    loaded = factory();
  }
  return loaded;
}
