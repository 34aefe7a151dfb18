import type { Clock } from '../../core/Clock.ts';
import type { Logger } from '../../core/Logger.ts';
import { NO_RETRIES, type RetryPolicy } from './RetryPolicy.ts';
import type { RetryContext } from './retryBeforeOutput.ts';

/**
 * How a family base (LLM, TTS, STT) runs a provider's requests — one type for
 * all of them. A provider returns it from its `requestOptions()`, built from
 * its node's settings: `retry` from `retrySettings` via `retryPolicyFrom`.
 */
export interface RequestOptions {
  /** An attempt with no output by then is abandoned, retried like a failure (ms); absent: none. */
  firstOutputTimeoutMs?: number;
  /** Retries while nothing was output yet; absent: one attempt. */
  retry?: RetryPolicy;
  /** Scrubbed from every error that leaves: the API key. */
  secret?: string;
  /** Log fields naming the request besides the node (model, voice). */
  describe?: Record<string, string>;
}

/** Where a request runs: the processor's clock, logger and id; the signal an interrupt aborts. */
export interface RequestScope {
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
  node: string;
}

export function retryContextOf(options: RequestOptions, scope: RequestScope): RetryContext {
  return {
    policy: options.retry ?? NO_RETRIES,
    clock: scope.clock,
    signal: scope.signal,
    logger: scope.logger,
    secret: options.secret ?? '',
    describe: { node: scope.node, ...options.describe },
  };
}
