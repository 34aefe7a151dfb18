/**
 * A minimal Ogg muxer for one mono Opus stream (RFC 3533 pages, RFC 7845
 * headers), written here because npm has no well-kept Ogg muxer. Each audio
 * packet gets its own page, flushed at once: Moshi decodes as pages arrive,
 * and batching packets into pages would add their duration to the latency.
 */

/** Opus granule positions count 48 kHz samples whatever rate was encoded (RFC 7845 §4). */
const GRANULE_RATE = 48000;
/** libopus's encoder delay at 48 kHz, which the decoder skips (RFC 7845 §4.2). */
export const DEFAULT_PRE_SKIP = 312;

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
const HEADER_BYTES = 27;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final xor. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

export class OggOpusWriter {
  private sequence = 0;
  private granule = 0n;

  constructor(
    private readonly serial: number,
    /** The rate the PCM had before encoding: only informative in OpusHead. */
    private readonly inputRate: number,
    private readonly preSkip = DEFAULT_PRE_SKIP,
  ) {}

  /** OpusHead and OpusTags, each on its own page as RFC 7845 requires; send before any audio. */
  headers(): Buffer {
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'latin1');
    head[8] = 1; // version
    head[9] = 1; // channels
    head.writeUInt16LE(this.preSkip, 10);
    head.writeUInt32LE(this.inputRate, 12);
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // channel mapping family 0: mono or stereo, no table
    const vendor = Buffer.from('parley', 'utf8');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    tags.write('OpusTags', 0, 'latin1');
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length); // no user comments
    return Buffer.concat([this.page(head, FLAG_BOS, 0n), this.page(tags, 0, 0n)]);
  }

  /** One Opus packet that decodes to `samples` samples at `inputRate`, as one page. */
  packet(data: Uint8Array, samples: number): Buffer {
    this.granule += BigInt(Math.round((samples * GRANULE_RATE) / this.inputRate));
    return this.page(data, 0, this.granule);
  }

  /** An empty last page that marks the end of the stream. */
  end(): Buffer {
    return this.page(new Uint8Array(0), FLAG_EOS, this.granule);
  }

  private page(data: Uint8Array, flags: number, granule: bigint): Buffer {
    // Lacing: 255 per full segment, then the remainder (<255, possibly 0) ends the packet.
    const segments = Math.floor(data.length / 255) + 1;
    if (segments > 255) throw new RangeError(`Ogg page packet of ${data.length} bytes is too big`);
    const page = Buffer.alloc(HEADER_BYTES + segments + data.length);
    page.write('OggS', 0, 'latin1');
    page[4] = 0; // stream structure version
    page[5] = flags;
    page.writeBigInt64LE(granule, 6);
    page.writeUInt32LE(this.serial, 14);
    page.writeUInt32LE(this.sequence++, 18);
    page[26] = data.length === 0 ? 0 : segments;
    for (let i = 0; i < segments - 1; i++) page[HEADER_BYTES + i] = 255;
    page[HEADER_BYTES + segments - 1] = data.length % 255;
    page.set(data, HEADER_BYTES + segments);
    const trimmed = data.length === 0 ? page.subarray(0, HEADER_BYTES) : page;
    trimmed.writeUInt32LE(oggCrc32(trimmed), 22); // computed with the CRC field still zero
    return trimmed;
  }
}
