import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/core/Logger.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import {
  describeFailure,
  isRetryable,
  retryDelayMs,
} from '../../engine/services/retry/RetryPolicy.ts';
import { runRequest, streamRequest } from '../../engine/services/retry/runRequest.ts';

const policy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 5000 };

/** An error as @deepgram/sdk throws it: `statusCode`, headers on `rawResponse`. */
function deepgramError(statusCode: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Status code: ${statusCode}`), {
    statusCode,
    rawResponse: { headers: new Headers(headers) },
  });
}

describe('RetryPolicy reads errors by shape, whatever the SDK', () => {
  it('classifies openai and Deepgram errors alike', () => {
    const openai429 = new APIError(429, undefined, 'rate limited', new Headers());
    expect(isRetryable(openai429)).toBe(true);
    expect(isRetryable(deepgramError(429))).toBe(true);
    expect(isRetryable(deepgramError(503))).toBe(true);
    expect(isRetryable(new APIError(401, undefined, 'bad key', new Headers()))).toBe(false);
    expect(isRetryable(deepgramError(400))).toBe(false);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(new DOMException('interrupted', 'AbortError'))).toBe(false);
  });

  it("honours a Deepgram error's retry-after, capped by the policy", () => {
    expect(retryDelayMs(policy, 0, deepgramError(429, { 'retry-after': '2' }))).toBe(2000);
    expect(retryDelayMs(policy, 0, deepgramError(429, { 'retry-after': '60' }))).toBe(5000);
  });

  it('describes a failure by status and class for logs', () => {
    expect(describeFailure(deepgramError(502))).toEqual({ status: 502, kind: 'Error' });
    const openai500 = APIError.generate(500, undefined, 'boom', new Headers());
    expect(describeFailure(openai500)).toEqual({ status: 500, kind: 'InternalServerError' });
  });
});

describe('requests run by a family base', () => {
  const scope = (clock: VirtualClock, signal = new AbortController().signal) => {
    return { clock, signal, logger: silentLogger, node: 'n' };
  };
  const collect = async <T>(stream: AsyncIterable<T>, into: T[]) => {
    for await (const item of stream) into.push(item);
  };

  it('streamRequest abandons an attempt with no item by the deadline and retries it', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    async function* attempt(signal: AbortSignal): AsyncIterable<string> {
      signals.push(signal);
      if (signals.length === 1) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return; // ends quietly, as an SDK stream does on abort
      }
      yield 'hello';
    }
    const items: string[] = [];
    const options = { firstOutputTimeoutMs: 1000, retry: { ...policy, baseDelayMs: 0 } };
    const done = collect(
      streamRequest(attempt, () => true, options, scope(clock)),
      items,
    );
    await clock.advance(1000);
    await clock.advance(0);
    await done;
    expect(items).toEqual(['hello']);
    expect(signals[0].aborted).toBe(true);
  });

  it('streamRequest does not retry after output; the error leaves without the secret', async () => {
    const clock = new VirtualClock();
    let attempts = 0;
    async function* attempt(): AsyncIterable<string> {
      attempts++;
      yield 'half';
      throw new Error('dropped; key sk-secret-123');
    }
    const items: string[] = [];
    const options = { retry: policy, secret: 'sk-secret-123' };
    const run = collect(
      streamRequest(attempt, () => true, options, scope(clock)),
      items,
    );
    await expect(run).rejects.toThrow('dropped; key [redacted]');
    expect(attempts).toBe(1);
    expect(items).toEqual(['half']);
  });

  it('runRequest retries a failure before any output, and stops quietly on interrupt', async () => {
    const clock = new VirtualClock();
    const interrupt = new AbortController();
    let attempts = 0;
    const attempt = async () => {
      attempts++;
      throw deepgramError(503);
    };
    const done = runRequest(attempt, { retry: policy }, scope(clock, interrupt.signal));
    await clock.advance(100);
    expect(attempts).toBe(2);
    interrupt.abort();
    await expect(done).resolves.toBeUndefined();
    expect(attempts).toBe(2);
  });
});
