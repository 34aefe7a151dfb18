import { describe, expect, it } from 'vitest';
import { readWav, WavFormatError, writeWav } from '../../engine/audio/wav.ts';

function header(opts: {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  extra?: Buffer;
  data: Buffer;
}): Buffer {
  const { format = 1, channels = 1, rate = 16000, bits = 16, extra = Buffer.alloc(0), data } = opts;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'ascii');
  dataHead.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), fmt, extra, dataHead, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('wav', () => {
  it('round-trips samples and rate', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321]);
    const file = writeWav(samples, 24000);
    expect(file.length).toBe(44 + samples.length * 2);
    const back = readWav(file);
    expect(back.sampleRate).toBe(24000);
    expect(back.channels).toBe(1);
    expect(Array.from(back.samples)).toEqual(Array.from(samples));
  });

  it('reads from an unaligned view into a larger buffer', () => {
    const file = writeWav(Int16Array.from([5, -5, 7]), 8000);
    const bigger = new Uint8Array(file.length + 1);
    bigger.set(file, 1);
    expect(Array.from(readWav(bigger.subarray(1)).samples)).toEqual([5, -5, 7]);
  });

  it('skips unknown chunks (LIST, odd-sized padding) before data', () => {
    const list = Buffer.concat([
      Buffer.from('LIST', 'ascii'),
      Buffer.from([3, 0, 0, 0]),
      Buffer.from([1, 2, 3, 0]),
    ]);
    const data = Buffer.alloc(4);
    data.writeInt16LE(-2, 0);
    data.writeInt16LE(300, 2);
    expect(Array.from(readWav(header({ extra: list, data })).samples)).toEqual([-2, 300]);
  });

  it('keeps stereo interleaved, or mixes it to mono when asked', () => {
    const data = Buffer.alloc(8);
    [100, 300, -50, -150].forEach((v, i) => data.writeInt16LE(v, i * 2));
    const file = header({ channels: 2, rate: 44100, data });
    const stereo = readWav(file);
    expect(stereo.channels).toBe(2);
    expect(Array.from(stereo.samples)).toEqual([100, 300, -50, -150]);
    const mono = readWav(file, { mixToMono: true });
    expect(mono.channels).toBe(1);
    expect(mono.sampleRate).toBe(44100);
    expect(Array.from(mono.samples)).toEqual([200, -100]);
  });

  it('explains what is wrong with unsupported input', () => {
    expect(() => readWav(Buffer.from('ID3\u0004 this is an mp3'))).toThrow(/not a WAV file/);
    expect(() => readWav(header({ format: 3, bits: 32, data: Buffer.alloc(8) }))).toThrow(
      /encoding 0x3/,
    );
    expect(() => readWav(header({ bits: 8, data: Buffer.alloc(8) }))).toThrow(/bit depth 8/);
    expect(() => readWav(header({ format: 7, bits: 8, data: Buffer.alloc(8) }))).toThrow(
      WavFormatError,
    );
    expect(() => readWav(writeWav(new Int16Array(4), 16000).subarray(0, 36))).toThrow(
      /no data chunk/,
    );
  });
});
