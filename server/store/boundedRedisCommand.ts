import type { RedisClient } from '../cluster/redisConnection.ts';
import { StoreUnavailableError } from './StoreUnavailableError.ts';

/**
 * One call to the shared store, bounded in time: Redis unreachable, a connection
 * dropped mid-call or no answer in time all become StoreUnavailableError (the
 * store's outage, a 503), so a caller never hangs on Redis. Other errors (a
 * script's) stay what they are: a bug to see, not an outage.
 */
export async function boundedRedisCommand<T>(
  redis: RedisClient,
  what: string,
  timeoutMs: number,
  run: () => Promise<T>,
): Promise<T> {
  if (!redis.isReady) throw new StoreUnavailableError(what, 'not connected');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StoreUnavailableError(
            what,
            `no answer within ${timeoutMs} ms; a write may or may not have been applied`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    if (error instanceof StoreUnavailableError || redis.isReady) throw error;
    throw new StoreUnavailableError(
      what,
      (error instanceof Error ? error.message : String(error)).slice(0, 300),
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Waits up to `timeoutMs` for a client that is still connecting (one that is not trying returns at once). */
export async function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.isReady || !redis.isOpen) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
