import { describe, expect, it } from 'vitest';
import { PcmChunkDecoder } from '../../engine/audio/PcmChunkDecoder.ts';

/** s16le bytes of `samples`, built byte by byte so the test does not share the decoder's shortcut. */
function toBytes(samples: number[]): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  samples.forEach((v, k) => {
    const u = v < 0 ? v + 0x10000 : v;
    bytes[2 * k] = u & 0xff;
    bytes[2 * k + 1] = u >> 8;
  });
  return bytes;
}

describe('PcmChunkDecoder', () => {
  const samples = Array.from({ length: 1001 }, (_, k) => ((k * 7919) % 65536) - 32768);
  const bytes = toBytes(samples);

  it('decodes s16le sample-exact however the stream is split, inside samples included', () => {
    for (const splits of [[1], [3, 5, 7], [4801], [2, 2, 1, 1, 999], [0, 1, 0, 2]]) {
      const decoder = new PcmChunkDecoder();
      const out: number[] = [];
      let at = 0;
      let k = 0;
      while (at < bytes.length) {
        const size = splits[k++ % splits.length];
        out.push(...decoder.push(bytes.subarray(at, at + size)));
        at += size;
      }
      expect(out).toEqual(samples);
    }
  });

  it('reads from a view at an odd offset of a larger buffer (network buffers are slices)', () => {
    const backing = new Uint8Array(bytes.length + 1);
    backing.set(bytes, 1);
    const view = backing.subarray(1);
    expect([...new PcmChunkDecoder().push(view)]).toEqual(samples);
  });

  it('drops a held half sample on reset', () => {
    const decoder = new PcmChunkDecoder();
    expect(decoder.push(new Uint8Array([0x34])).length).toBe(0);
    decoder.reset();
    expect([...decoder.push(new Uint8Array([0x01, 0x00]))]).toEqual([1]);
  });
});
