import { describe, expect, it } from 'vitest';
import { DropOldestQueue } from '../../server/transports/DropOldestQueue.ts';

describe('DropOldestQueue (what a client sends while its graph starts)', () => {
  it('keeps the newest items within both the count and the size limit', () => {
    const queue = new DropOldestQueue<string>(3, 10, (s) => s.length);
    for (const s of ['a', 'b', 'c', 'd']) queue.push(s);
    expect(queue.drain()).toEqual(['b', 'c', 'd']);
    queue.push('12345');
    queue.push('67890');
    queue.push('x');
    expect(queue.drain()).toEqual(['67890', 'x']);
    // One item over the size limit on its own is not kept either.
    queue.push('y'.repeat(11));
    expect(queue.length).toBe(0);
  });
});
