import {
  libopus,
  MAX_FRAME_SAMPLES,
  MAX_PACKET_BYTES,
  OPUS_APPLICATION_VOIP,
  OPUS_ERRORS,
  type OpusScriptHandler,
} from './libopusWasm.ts';

/** Opus at 48 kHz mono: the only rate the WebRTC edge speaks (graph rates are converted). */
export const OPUS_RATE = 48000;
/** 20 ms at 48 kHz: the frame size browsers send and expect. */
export const OPUS_FRAME = 960;

/**
 * A 20 ms CELT frame that decodes to digital silence (TOC 0xF8: CELT fullband 20 ms, one
 * frame; the payload tells the decoder "silence"). Sent while the bot is idle so the RTP
 * clock keeps running without paying for an encode every 20 ms.
 */
export const OPUS_SILENCE_FRAME: Buffer = Buffer.from([0xf8, 0xff, 0xfe]);

// One heap region per codec: PCM in, packet in, packet out, PCM out. PCM travels one byte per
// 16-bit slot (the handler's convention, see libopusWasm.ts), so 4 bytes per sample.
const PCM_IN_BYTES = OPUS_FRAME * 4;
const PCM_OUT_BYTES = MAX_FRAME_SAMPLES * 4;
const PACKET_IN_AT = PCM_IN_BYTES;
const PACKET_OUT_AT = PACKET_IN_AT + MAX_PACKET_BYTES;
const PCM_OUT_AT = PACKET_OUT_AT + MAX_PACKET_BYTES + 4; // +4 keeps PCM out 4-byte aligned
const REGION_BYTES = PCM_OUT_AT + PCM_OUT_BYTES;

/**
 * One Opus encoder and one decoder at 48 kHz mono (libopus in WebAssembly: no native build).
 * Their memory lives on the WASM heap, which the garbage collector never frees: `destroy()`
 * must be called, and is idempotent.
 */
export class OpusCodec {
  private readonly native = libopus();
  private handler: OpusScriptHandler | undefined;
  private region = 0;
  private destroyed = false;

  /** Created on first use: a codec that is never used costs nothing on the heap. */
  private open(): OpusScriptHandler {
    if (this.destroyed) throw new Error('OpusCodec used after destroy()');
    if (!this.handler) {
      this.region = this.native._malloc(REGION_BYTES);
      if (this.region === 0) throw new Error('Opus: out of WebAssembly memory');
      this.handler = new this.native.OpusScriptHandler(OPUS_RATE, 1, OPUS_APPLICATION_VOIP);
    }
    return this.handler;
  }

  /** Encodes one 20 ms frame (960 samples at 48 kHz) to one Opus packet. */
  encode(pcm48k: Int16Array): Buffer {
    if (pcm48k.length !== OPUS_FRAME) {
      throw new RangeError(`Opus frames are ${OPUS_FRAME} samples, got ${pcm48k.length}`);
    }
    const handler = this.open();
    const slots = this.native.HEAPU16;
    const first = this.region >> 1;
    for (let i = 0; i < OPUS_FRAME; i++) {
      const sample = pcm48k[i]!;
      slots[first + 2 * i] = sample & 0xff;
      slots[first + 2 * i + 1] = (sample >> 8) & 0xff;
    }
    const out = this.region + PACKET_OUT_AT;
    const bytes = checked(handler._encode(this.region, OPUS_FRAME, out, OPUS_FRAME), 'encode');
    return Buffer.from(this.native.HEAPU8.subarray(out, out + bytes));
  }

  /** Decodes one packet to 48 kHz mono; throws on a packet libopus rejects (callers count it). */
  decode(packet: Buffer): Int16Array {
    // An empty packet would silently run PLC; that is `conceal`'s job, not decode's.
    if (packet.length === 0) throw new RangeError('empty Opus packet');
    if (packet.length > MAX_PACKET_BYTES) {
      throw new RangeError(`Opus packet of ${packet.length} bytes exceeds ${MAX_PACKET_BYTES}`);
    }
    const handler = this.open();
    const at = this.region + PACKET_IN_AT;
    this.native.HEAPU8.set(packet, at);
    return this.readPcm(checked(handler._decode(at, packet.length, this.pcmOut), 'decode'));
  }

  /**
   * `samples` of audio in place of lost packets, from libopus's packet-loss concealment (a
   * zero-length packet asks for it): it continues the voice instead of clicking to silence,
   * and keeps the decoder in step for the packet after the gap.
   */
  conceal(samples: number): Int16Array {
    const out = new Int16Array(Math.max(0, Math.floor(samples)));
    const handler = this.open();
    for (let filled = 0; filled < out.length; ) {
      const plc = this.readPcm(checked(handler._decode(this.region, 0, this.pcmOut), 'conceal'));
      if (plc.length === 0) break; // cannot happen with libopus; leave the rest silent
      const take = Math.min(plc.length, out.length - filled);
      out.set(plc.subarray(0, take), filled);
      filled += take;
    }
    return out;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.handler) {
      this.native.OpusScriptHandler.destroy_handler(this.handler);
      this.native._free(this.region);
      this.handler = undefined;
    }
  }

  private get pcmOut(): number {
    return this.region + PCM_OUT_AT;
  }

  private readPcm(samples: number): Int16Array {
    const slots = this.native.HEAP16;
    const first = this.pcmOut >> 1;
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) {
      pcm[i] = ((slots[first + 2 * i + 1]! << 8) | (slots[first + 2 * i]! & 0xff)) as number;
    }
    return pcm;
  }
}

function checked(result: number, what: string): number {
  if (result < 0) throw new Error(`Opus ${what} failed: ${OPUS_ERRORS[result] ?? result}`);
  return result;
}
