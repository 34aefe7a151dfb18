/**
 * Turns a byte stream of PCM s16 little-endian into sample arrays. Network
 * chunks split wherever they like, sometimes inside a sample, so an odd
 * trailing byte is kept for the next chunk.
 *
 * A TTS answer arrives in bursts (1.5 s of speech is ~72 KB, often in one
 * read), so on a little-endian host the bytes are block-copied into the
 * sample array instead of being assembled sample by sample in JS: a memcpy
 * rather than ~36,000 loop iterations on the event loop per burst.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class PcmChunkDecoder {
  private carry: number | undefined;

  /** Samples completed by `bytes` (possibly none). */
  push(bytes: Uint8Array): Int16Array {
    const total = bytes.length + (this.carry === undefined ? 0 : 1);
    const samples = new Int16Array(total >> 1);
    let i = 0;
    let s = 0;
    if (this.carry !== undefined && bytes.length > 0) {
      samples[s++] = toInt16(this.carry | (bytes[0] << 8));
      i = 1;
      this.carry = undefined;
    }
    const whole = (bytes.length - i) & ~1;
    if (LITTLE_ENDIAN) {
      new Uint8Array(samples.buffer, s * 2, whole).set(bytes.subarray(i, i + whole));
      i += whole;
    } else {
      for (; i + 1 < bytes.length; i += 2) samples[s++] = toInt16(bytes[i] | (bytes[i + 1] << 8));
    }
    if (i < bytes.length) this.carry = bytes[i];
    return samples;
  }

  reset(): void {
    this.carry = undefined;
  }
}

function toInt16(u16: number): number {
  return u16 >= 0x8000 ? u16 - 0x10000 : u16;
}
