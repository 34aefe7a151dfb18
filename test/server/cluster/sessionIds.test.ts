import { describe, expect, it } from 'vitest';
import { newSessionId, workerOfSession } from '../../../server/cluster/sessionIds.ts';

describe('session ids that name their worker', () => {
  it('names a worker whose id is safe in a URL, and reads it back', () => {
    const id = newSessionId('parley-7d9f.w-1');
    expect(id).toMatch(/^parley-7d9f\.w-1~[0-9a-f-]{36}$/);
    expect(workerOfSession(id)).toBe('parley-7d9f.w-1');
    expect(newSessionId('parley-7d9f.w-1')).not.toBe(id);
  });

  it('falls back to a plain UUID for a worker id a URL would have to escape', () => {
    for (const worker of ['host:1234', 'a/b', 'x y', '', 'w~1', 'é']) {
      const id = newSessionId(worker);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(workerOfSession(id)).toBeUndefined();
    }
  });

  it('reads no worker from plain or odd ids', () => {
    for (const id of ['3f1c…', '~abc', 'a b~abc', 'no-such-session', '../x~y'])
      expect(workerOfSession(id)).toBeUndefined();
  });
});
