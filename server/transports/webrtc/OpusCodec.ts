import OpusScript from 'opusscript';

/** Opus at 48 kHz mono: the only rate the WebRTC edge speaks (graph rates are converted). */
export const OPUS_RATE = 48000;
/** 20 ms at 48 kHz: the frame size browsers send and expect. */
export const OPUS_FRAME = 960;
/** The longest stretch one PLC call of opusscript produces (its fixed 60 ms output buffer). */
const PLC_MAX = 2880;

/**
 * A 20 ms CELT frame that decodes to digital silence (TOC 0xF8: CELT fullband 20 ms, one
 * frame; the payload tells the decoder "silence"). Sent while the bot is idle so the RTP
 * clock keeps running without paying for an encode every 20 ms.
 */
export const OPUS_SILENCE_FRAME: Buffer = Buffer.from([0xf8, 0xff, 0xfe]);

/**
 * One Opus encoder and one decoder (opusscript: libopus in WebAssembly, no native build).
 * Their memory lives on the WASM heap, which the garbage collector never frees: `destroy()`
 * must be called, and is idempotent.
 */
export class OpusCodec {
  private encoder: OpusScript | undefined;
  private decoder: OpusScript | undefined;
  private destroyed = false;

  /** Created lazily: a receive-only or send-only use should not pay for both heaps. */
  private get enc(): OpusScript {
    if (this.destroyed) throw new Error('OpusCodec used after destroy()');
    this.encoder ??= new OpusScript(OPUS_RATE, 1, OpusScript.Application.VOIP);
    return this.encoder;
  }

  private get dec(): OpusScript {
    if (this.destroyed) throw new Error('OpusCodec used after destroy()');
    this.decoder ??= new OpusScript(OPUS_RATE, 1, OpusScript.Application.VOIP);
    return this.decoder;
  }

  /** Encodes one 20 ms frame (960 samples at 48 kHz) to one Opus packet. */
  encode(pcm48k: Int16Array): Buffer {
    if (pcm48k.length !== OPUS_FRAME) {
      throw new RangeError(`Opus frames are ${OPUS_FRAME} samples, got ${pcm48k.length}`);
    }
    return this.enc.encode(
      Buffer.from(pcm48k.buffer, pcm48k.byteOffset, pcm48k.byteLength),
      OPUS_FRAME,
    );
  }

  /** Decodes one packet to 48 kHz mono; throws on a packet libopus rejects (callers count it). */
  decode(packet: Buffer): Int16Array {
    // An empty packet would silently run PLC (60 ms of it); that is `conceal`'s job, not decode's.
    if (packet.length === 0) throw new RangeError('empty Opus packet');
    return toInt16(this.dec.decode(packet));
  }

  /**
   * `samples` of audio in place of lost packets, from libopus's packet-loss concealment (an
   * empty packet asks for it): it continues the voice instead of clicking to silence, and
   * keeps the decoder's state in step for the packet after the gap. opusscript always
   * conceals 60 ms per call; what is not needed is dropped.
   */
  conceal(samples: number): Int16Array {
    const out = new Int16Array(Math.max(0, Math.floor(samples)));
    for (let filled = 0; filled < out.length; ) {
      const plc = toInt16(this.dec.decode(Buffer.alloc(0)));
      if (plc.length === 0) break; // cannot happen with libopus; leave the rest silent
      const take = Math.min(plc.length, out.length - filled, PLC_MAX);
      out.set(plc.subarray(0, take), filled);
      filled += take;
    }
    return out;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.encoder?.delete();
    this.decoder?.delete();
    this.encoder = undefined;
    this.decoder = undefined;
  }
}

/** Own, aligned memory: a Buffer may sit at an odd offset in Node's shared pool. */
function toInt16(pcm: Buffer): Int16Array {
  const end = pcm.byteOffset + (pcm.length & ~1);
  return new Int16Array(pcm.buffer.slice(pcm.byteOffset, end));
}
