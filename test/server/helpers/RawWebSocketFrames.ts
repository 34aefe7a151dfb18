/**
 * RFC 6455 framing by hand, so tests can send what no WebSocket library
 * would: reserved opcodes and bits, unmasked or wrongly masked client frames,
 * lengths that lie, control frames that are fragmented or too long. And the
 * reverse: reading the (unmasked) frames a server sends back.
 */
import { randomBytes } from 'node:crypto';

export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface ClientFrame {
  opcode: number;
  payload?: Uint8Array;
  /** Default true. */
  fin?: boolean;
  /** RSV1..RSV3 as a 3-bit number (RSV1 = 4, RSV2 = 2, RSV3 = 1). */
  rsv?: number;
  /**
   * `masked` (what RFC 6455 requires of clients, the default), `unmasked`
   * (mask bit clear, no key), or `key-but-plain`: mask bit and key sent, but
   * the payload left as it is — the server unmasks it into garbage.
   */
  masking?: 'masked' | 'unmasked' | 'key-but-plain';
  maskKey?: Uint8Array;
  /** Overrides the length field (the payload is still sent as given): a lie, or a 64-bit length with the high bit set. */
  declaredLength?: bigint;
  /** Encode the length in this form even when a shorter one would do. */
  lengthForm?: '7' | '16' | '64';
}

export function encodeClientFrame(frame: ClientFrame): Buffer {
  // A copy: masking XORs it in place.
  const payload = Buffer.from(frame.payload ?? new Uint8Array(0));
  const length = frame.declaredLength ?? BigInt(payload.length);
  const form = frame.lengthForm ?? (length <= 125n ? '7' : length <= 0xffffn ? '16' : '64');
  const masking = frame.masking ?? 'masked';
  const maskBit = masking === 'unmasked' ? 0 : 0x80;

  const header: number[] = [
    ((frame.fin ?? true) ? 0x80 : 0) | (((frame.rsv ?? 0) & 7) << 4) | (frame.opcode & 0x0f),
  ];
  if (form === '7') header.push(maskBit | Number(length & 0x7fn));
  else if (form === '16')
    header.push(maskBit | 126, Number((length >> 8n) & 0xffn), Number(length & 0xffn));
  else {
    header.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn));
  }
  if (masking === 'unmasked') return Buffer.concat([Buffer.from(header), payload]);

  const key = Buffer.from(frame.maskKey ?? randomBytes(4));
  if (masking === 'masked') for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(header), key, payload]);
}

/** A close frame's payload: the code, then a UTF-8 (or, for tests, any) reason. */
export function closePayload(code: number, reason: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = Buffer.alloc(2 + reason.length);
  out.writeUInt16BE(code & 0xffff, 0);
  out.set(reason, 2);
  return out;
}

export interface ServerFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Incremental parser of server → client frames; `push` bytes as they arrive, get whole frames back. */
export class ServerFrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): ServerFrame[] {
    this.buffered = this.buffered.length === 0 ? bytes : Buffer.concat([this.buffered, bytes]);
    const frames: ServerFrame[] = [];
    for (;;) {
      const frame = this.takeFrame();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private takeFrame(): ServerFrame | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const keyLength = masked ? 4 : 0;
    if (b.length < offset + keyLength + length) return undefined;
    const key = b.subarray(offset, offset + keyLength);
    const payload = Buffer.from(b.subarray(offset + keyLength, offset + keyLength + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i % 4];
    this.buffered = b.subarray(offset + keyLength + length);
    return { fin: (b[0] & 0x80) !== 0, rsv: (b[0] >> 4) & 7, opcode: b[0] & 0x0f, masked, payload };
  }
}
