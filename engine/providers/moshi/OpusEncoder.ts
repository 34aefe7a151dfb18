import { createRequire } from 'node:module';

/**
 * A libopus encoder (opusscript's WebAssembly build), mono, 20 ms frames.
 *
 * The engine may not import server/, where server/transports/webrtc/OpusCodec.ts
 * and libopusWasm.ts already wrap the same module for WebRTC: this is the
 * engine-side minimum Moshi needs, and the two should become one shared
 * engine/audio module. Same caveat as there: opusscript's own JS class
 * addresses its buffers wrongly, so its raw handler is used with byte
 * addresses, PCM staged one byte per 16-bit slot (the handler's convention),
 * and the heap views are read afresh on every call (growth replaces them).
 */
interface Handler {
  _encode(input: number, samples: number, output: number, frameSize: number): number;
}

interface Libopus {
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): Handler;
    destroy_handler(handler: Handler): void;
  };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
}

const OPUS_APPLICATION_VOIP = 2048;
/** libopus's largest packet for one frame. */
const MAX_PACKET_BYTES = 1276 * 3;

let native: Libopus | undefined;

function libopus(): Libopus {
  if (!native) {
    const require = createRequire(import.meta.url);
    native = (require('opusscript/build/opusscript_native_wasm.js') as () => Libopus)();
  }
  return native;
}

/** Lives on the WASM heap, which the garbage collector never frees: call `destroy()`. */
export class OpusEncoder {
  readonly frameSamples: number;
  private readonly lib = libopus();
  private handler: Handler | undefined;
  private readonly region: number;

  constructor(readonly sampleRate: number) {
    this.frameSamples = sampleRate / 50;
    this.region = this.lib._malloc(this.frameSamples * 4 + MAX_PACKET_BYTES);
    if (this.region === 0) throw new Error('Opus: out of WebAssembly memory');
    this.handler = new this.lib.OpusScriptHandler(sampleRate, 1, OPUS_APPLICATION_VOIP);
  }

  /** One 20 ms frame (`frameSamples` samples) to one Opus packet. */
  encode(pcm: Int16Array): Uint8Array {
    if (!this.handler) throw new Error('OpusEncoder used after destroy()');
    const n = this.frameSamples;
    if (pcm.length !== n) throw new RangeError(`Opus frames are ${n} samples, got ${pcm.length}`);
    const slots = this.lib.HEAPU16;
    const first = this.region >> 1;
    for (let i = 0; i < n; i++) {
      slots[first + 2 * i] = pcm[i]! & 0xff;
      slots[first + 2 * i + 1] = (pcm[i]! >> 8) & 0xff;
    }
    const out = this.region + n * 4;
    const bytes = this.handler._encode(this.region, n, out, n);
    if (bytes < 0) throw new Error(`Opus encode failed (libopus error ${bytes})`);
    return this.lib.HEAPU8.slice(out, out + bytes);
  }

  destroy(): void {
    if (!this.handler) return;
    this.lib.OpusScriptHandler.destroy_handler(this.handler);
    this.lib._free(this.region);
    this.handler = undefined;
  }
}
