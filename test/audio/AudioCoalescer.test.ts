import { describe, expect, it } from 'vitest';
import { AudioCoalescer } from '../../engine/audio/AudioCoalescer.ts';

const chunk = (n: number, value: number) => new Int16Array(n).fill(value);

describe('AudioCoalescer', () => {
  it('holds chunks until a packet of at least minSamples, in order', () => {
    const c = new AudioCoalescer();
    expect(c.push(chunk(320, 1), 960)).toBeUndefined();
    expect(c.push(chunk(320, 2), 960)).toBeUndefined();
    expect(c.held).toBe(640);
    const packet = c.push(chunk(320, 3), 960)!;
    expect(Array.from(packet.filter((_, i) => i % 320 === 0))).toEqual([1, 2, 3]);
    expect(c.held).toBe(0);
  });

  it('passes a big enough chunk through without copying when nothing is held', () => {
    const c = new AudioCoalescer();
    const big = chunk(1000, 7);
    expect(c.push(big, 960)).toBe(big);
  });

  it('take() empties it; clear() drops what is held', () => {
    const c = new AudioCoalescer();
    c.push(chunk(100, 1), 960);
    c.push(chunk(100, 2), 960);
    expect(c.take()).toHaveLength(200);
    expect(c.take()).toBeUndefined();
    c.push(chunk(100, 1), 960);
    c.clear();
    expect(c.held).toBe(0);
    expect(c.take()).toBeUndefined();
  });
});
