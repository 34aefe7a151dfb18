import type { Clock } from '../../core/Clock.ts';
import type { Logger } from '../../core/Logger.ts';
import { redactError } from '../redactSecret.ts';
import {
  describeFailure,
  isRetryable,
  type RetryPolicy,
  retryDelayMs,
  sleep,
} from './RetryPolicy.ts';

export interface RetryContext {
  policy: RetryPolicy;
  clock: Clock;
  /** The processor's signal: an interrupt stops retrying at once. */
  signal: AbortSignal;
  logger: Logger;
  /** Scrubbed from every error that leaves. */
  secret: string;
  /** Log fields naming who retries (node id, model). */
  describe: Record<string, string>;
}

/**
 * Runs `attempt` until it succeeds, retrying failures that may pass (429, 5xx,
 * dropped connections, timeouts) with backoff — but only while `hasOutput()`
 * is false: once the user heard or saw something, a retry would repeat it.
 * Errors that leave are free of the secret. Returns undefined when interrupted.
 */
export async function retryBeforeOutput<T>(
  attempt: () => Promise<T>,
  hasOutput: () => boolean,
  ctx: RetryContext,
): Promise<T | undefined> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(await waitToRetry(error, n, hasOutput(), ctx))) return undefined;
    }
  }
}

/**
 * The decision after attempt `n` failed with `error`: throws the error, free
 * of the secret, when no retry may follow (output went out, retries are used
 * up, or the failure will not pass); otherwise waits out the backoff. Resolves
 * false when interrupted, before or during the wait: there is nothing to report.
 */
export async function waitToRetry(
  error: unknown,
  n: number,
  hadOutput: boolean,
  ctx: RetryContext,
): Promise<boolean> {
  if (ctx.signal.aborted) return false;
  const safe = redactError(error, ctx.secret);
  if (hadOutput || n >= ctx.policy.maxRetries || !isRetryable(error)) throw safe;
  const delayMs = Math.round(retryDelayMs(ctx.policy, n, error));
  const failure = describeFailure(error);
  ctx.logger.warn(
    { ...ctx.describe, attempt: n + 1, delayMs, ...failure, err: safe.message },
    'request failed before any output; retrying',
  );
  try {
    await sleep(ctx.clock, delayMs, ctx.signal);
    return true;
  } catch {
    return false;
  }
}
