import { describe, expect, it } from 'vitest';
import { AudioChunker } from '../../engine/audio/AudioChunker.ts';

function ramp(start: number, length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => start + i);
}

describe('AudioChunker', () => {
  it('re-frames uneven chunks into exact frames, in order, keeping the remainder', () => {
    const chunker = new AudioChunker(512);
    const frames: Int16Array[] = [];
    let next = 0;
    for (const size of [100, 300, 111, 1, 1024, 700, 5]) {
      frames.push(...chunker.push(ramp(next, size)));
      next += size;
    }
    expect(next).toBe(2241);
    expect(frames.length).toBe(4);
    expect(chunker.buffered).toBe(2241 - 4 * 512);
    const joined = frames.flatMap((f) => Array.from(f));
    expect(joined).toEqual(Array.from(ramp(0, 2048)));
    for (const f of frames) expect(f.length).toBe(512);
  });

  it('emits a frame exactly at the boundary and nothing before it', () => {
    const chunker = new AudioChunker(4);
    expect(chunker.push(ramp(0, 3))).toEqual([]);
    const frames = chunker.push(ramp(3, 1));
    expect(frames.map((f) => Array.from(f))).toEqual([[0, 1, 2, 3]]);
    expect(chunker.buffered).toBe(0);
    expect(chunker.push(new Int16Array(0))).toEqual([]);
  });

  it('returns frames that later pushes do not overwrite', () => {
    const chunker = new AudioChunker(4);
    const [first] = chunker.push(ramp(0, 6));
    chunker.push(ramp(100, 6));
    expect(Array.from(first)).toEqual([0, 1, 2, 3]);
  });

  it('flushes the partial frame, optionally padded with silence', () => {
    const chunker = new AudioChunker(4);
    chunker.push(ramp(1, 6));
    expect(Array.from(chunker.flush() ?? [])).toEqual([5, 6]);
    expect(chunker.flush()).toBeNull();
    chunker.push(ramp(7, 3));
    chunker.reset();
    chunker.push(ramp(9, 1));
    expect(Array.from(chunker.flush(true) ?? [])).toEqual([9, 0, 0, 0]);
  });

  it('rejects a bad frame size', () => {
    expect(() => new AudioChunker(0)).toThrow(RangeError);
    expect(() => new AudioChunker(2.5)).toThrow(RangeError);
  });
});
