import { describe, expect, it } from 'vitest';
import { SampleFifo } from '../../../engine/processors/audio/SampleFifo.ts';

describe('SampleFifo', () => {
  it('hands samples out in order, in any sizes, growing past its first capacity', () => {
    const fifo = new SampleFifo(4);
    fifo.pushSilence(2);
    fifo.push(Int16Array.from([1, 2, 3]));
    expect(fifo.take(3)).toEqual(Int16Array.from([0, 0, 1]));
    fifo.push(Int16Array.from([4, 5, 6, 7, 8, 9]));
    expect(fifo.length).toBe(8);
    expect(fifo.take(8)).toEqual(Int16Array.from([2, 3, 4, 5, 6, 7, 8, 9]));
    expect(fifo.shortBy).toBe(0);
  });

  it('pads a take it cannot fill with silence and says by how much', () => {
    const fifo = new SampleFifo();
    fifo.push(Int16Array.from([7, 8]));
    expect(fifo.take(5)).toEqual(Int16Array.from([7, 8, 0, 0, 0]));
    expect(fifo.shortBy).toBe(3);
    expect(fifo.length).toBe(0);
  });
});
