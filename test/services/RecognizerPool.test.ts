import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RecognizerPool } from '../../engine/providers/pocketsphinx/RecognizerPool.ts';
import { buildNativeHelper } from '../helpers/buildNativeHelper.ts';

let pool: RecognizerPool | undefined;

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('RecognizerPool', () => {
  it('hands out a warm recognizer and reuses it after release', async () => {
    pool = new RecognizerPool({ warm: 1, max: 3 });
    await pool.prewarm();
    expect(pool.stats).toEqual({ idle: 1, inUse: 0, loading: 0 });

    const first = await pool.acquire();
    expect(first.running).toBe(true);
    // Taking the warm one starts a replacement in the background.
    expect(pool.stats).toMatchObject({ idle: 0, inUse: 1, loading: 1 });
    let partials = 0;
    first.onPartial(() => partials++);
    first.beginUtterance();
    pool.release(first);
    await pool.prewarm();
    expect(pool.stats).toEqual({ idle: 2, inUse: 0, loading: 0 });

    const again = await pool.acquire();
    expect(again).toBe(first);
    // Released recognizers come back clean: no open utterance, no old listeners.
    await expect(again.endUtterance()).rejects.toThrow(/without an open utterance/);
    expect(partials).toBe(0);
  });

  it('gives the next caller a decoder back at the prior, not the last caller’s cepstral mean', async () => {
    pool = new RecognizerPool({ warm: 0, max: 1 });
    const first = await pool.acquire();
    const prior = await first.getCmn();
    // The last caller's channel, as adaptation would have left it.
    first.setCmn({ mean: prior.mean.map((m) => m + 7), frames: 800 });
    expect((await first.getCmn()).mean[0]).toBeCloseTo(prior.mean[0] + 7, 3);
    pool.release(first);
    const again = await pool.acquire();
    expect(again).toBe(first);
    const state = await again.getCmn();
    state.mean.forEach((m, i) => expect(m).toBeCloseTo(prior.mean[i], 3));
    expect(state.frames).toBe(prior.frames);
  });

  it('refuses more than max decoders and drops crashed ones', async () => {
    pool = new RecognizerPool({ warm: 0, max: 1 });
    const only = await pool.acquire();
    await expect(pool.acquire()).rejects.toThrow(/pool exhausted/);

    const exited = new Promise<void>((resolve) => only.onError(() => resolve()));
    process.kill(only.pid ?? 0, 'SIGKILL');
    await exited;
    pool.release(only);
    expect(pool.stats).toEqual({ idle: 0, inUse: 0, loading: 0 });

    const fresh = await pool.acquire();
    expect(fresh).not.toBe(only);
    expect(fresh.running).toBe(true);
  });
});
