import {
  libopus,
  MAX_FRAME_SAMPLES,
  MAX_PACKET_BYTES,
  OPUS_APPLICATION_VOIP,
  OPUS_ERRORS,
  type OpusScriptHandler,
} from './libopusWasm.ts';

/** Opus's RTP clock (RFC 7587): timestamps count 48 kHz samples whatever rate was coded. */
export const OPUS_RATE = 48000;
/** 20 ms at 48 kHz: the frame size browsers send and expect, and one packet's timestamp step. */
export const OPUS_FRAME = 960;
/**
 * Rates libopus encodes from and decodes to natively. Opus codes internally at 48 kHz and
 * converts at its edges, so a 16 kHz graph or a 24 kHz TTS needs no resampler of ours.
 */
export const OPUS_PCM_RATES: ReadonlySet<number> = new Set([8000, 12000, 16000, 24000, 48000]);

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
 * One Opus encoder and one decoder, mono, taking and giving PCM at `sampleRate` (one of
 * OPUS_PCM_RATES) in 20 ms frames; libopus in WebAssembly, no native build. Their memory
 * lives on the WASM heap, which the garbage collector never frees: `destroy()` must be
 * called, and is idempotent.
 */
export class OpusCodec {
  /** Samples in one 20 ms frame at `sampleRate`. */
  readonly frameSamples: number;
  private readonly native = libopus();
  private handler: OpusScriptHandler | undefined;
  private region = 0;
  private destroyed = false;

  constructor(readonly sampleRate = OPUS_RATE) {
    if (!OPUS_PCM_RATES.has(sampleRate)) {
      throw new RangeError(`Opus codes 8, 12, 16, 24 or 48 kHz PCM, not ${sampleRate} Hz`);
    }
    this.frameSamples = sampleRate / 50;
  }

  /** Created on first use: a codec that is never used costs nothing on the heap. */
  private open(): OpusScriptHandler {
    if (this.destroyed) throw new Error('OpusCodec used after destroy()');
    if (!this.handler) {
      this.region = this.native._malloc(REGION_BYTES);
      if (this.region === 0) throw new Error('Opus: out of WebAssembly memory');
      this.handler = new this.native.OpusScriptHandler(this.sampleRate, 1, OPUS_APPLICATION_VOIP);
    }
    return this.handler;
  }

  /** Encodes one 20 ms frame (`frameSamples` samples) to one Opus packet. */
  encode(pcm: Int16Array): Buffer {
    const n = this.frameSamples;
    if (pcm.length !== n) {
      throw new RangeError(
        `Opus frames at ${this.sampleRate} Hz are ${n} samples, got ${pcm.length}`,
      );
    }
    const handler = this.open();
    const slots = this.native.HEAPU16;
    const first = this.region >> 1;
    for (let i = 0; i < n; i++) {
      const sample = pcm[i]!;
      slots[first + 2 * i] = sample & 0xff;
      slots[first + 2 * i + 1] = (sample >> 8) & 0xff;
    }
    const out = this.region + PACKET_OUT_AT;
    const bytes = checked(handler._encode(this.region, n, out, n), 'encode');
    return Buffer.from(this.native.HEAPU8.subarray(out, out + bytes));
  }

  /** Decodes one packet to PCM at `sampleRate`; throws on a packet libopus rejects (callers count it). */
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
