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

/** One attempt, no retries: for engines whose failures do not pass with time. */
export const NO_RETRIES: RetryPolicy = { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 };

/**
 * Whether trying again could help: rate limits, server errors, timeouts and
 * dropped connections yes; a bad request, a wrong key or our own abort no.
 * Errors are read by shape, not class, so every SDK's errors classify alike:
 * `status` (openai, Anthropic, fetch) or `statusCode` (Deepgram).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof Error && isOwnAbort(error)) return false;
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
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
  if (!(error instanceof Error)) return { kind: typeof error };
  // SDK error classes keep the name 'Error'; their class says more (RateLimitError).
  const kind = error.name === 'Error' ? error.constructor.name : error.name;
  const status = httpStatusOf(error);
  return status === undefined ? { kind } : { status, kind };
}

/** Our own abort as the SDKs report it: a DOMException, or openai's `APIUserAbortError`. */
function isOwnAbort(error: Error): boolean {
  return error.name === 'AbortError' || error.constructor.name.endsWith('AbortError');
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  if (typeof status === 'number') return status;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

interface HeaderReader {
  get(name: string): string | null;
}

/** An SDK error's response headers: `headers` (openai, Anthropic) or `rawResponse.headers`. */
function headersOf(error: unknown): HeaderReader | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  type WithHeaders = { headers?: unknown; rawResponse?: { headers?: unknown } };
  const { headers, rawResponse } = error as WithHeaders;
  const candidate = headers ?? rawResponse?.headers;
  const readable = typeof (candidate as HeaderReader | undefined)?.get === 'function';
  return readable ? (candidate as HeaderReader) : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = headersOf(error);
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return undefined;
}
