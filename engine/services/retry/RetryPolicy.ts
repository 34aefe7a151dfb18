import { APIError, APIUserAbortError } from 'openai';
import type { Clock } from '../../core/Clock.ts';

/** How often and how patiently a request is retried before its first output. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 = none. */
  maxRetries: number;
  /** Delay before the first retry; doubles each time (ms). */
  baseDelayMs: number;
  /** Longest wait, also for a server's `retry-after` (ms): a voice user will not wait longer. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 2000 };

/**
 * Whether trying again could help: rate limits, server errors, timeouts and
 * dropped connections yes; a bad request, a wrong key or our own abort no.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIError && typeof error.status === 'number') {
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  }
  if (error instanceof Error && error.name === 'AbortError') return false;
  // Connection errors, truncated streams, first-byte timeouts.
  return true;
}

/** Exponential backoff with jitter, raised to the server's `retry-after` when it sent one, capped. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: unknown): number {
  const exponential = policy.baseDelayMs * 2 ** attempt;
  // Jitter keeps many sessions that hit the same 429 from retrying in lock-step.
  const jittered = exponential * (0.5 + Math.random() * 0.5);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs(error) ?? 0));
}

function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const ms = Number(error.headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(error.headers.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return undefined;
}

/** Waits on the processor's clock (virtual in tests); rejects at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A description of a failure for logs: status and class, never headers or bodies. */
export function describeFailure(error: unknown): { status?: number; kind: string } {
  if (error instanceof APIError) return { status: error.status, kind: error.constructor.name };
  return { kind: error instanceof Error ? error.name : typeof error };
}
