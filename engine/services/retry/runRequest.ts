import { RequestAttempt } from './RequestAttempt.ts';
import { type RequestOptions, type RequestScope, retryContextOf } from './RequestOptions.ts';
import { retryBeforeOutput, waitToRetry } from './retryBeforeOutput.ts';

/**
 * Runs a request that reports its output through a callback (TTS audio) under
 * `options`: each attempt gets a signal that also fires at the first-output
 * deadline, and fails with the timeout if it ends without output in time;
 * failures are retried while `output()` was never called. Resolves quietly
 * when interrupted.
 */
export async function runRequest(
  attempt: (signal: AbortSignal, output: () => void) => Promise<void>,
  options: RequestOptions,
  scope: RequestScope,
): Promise<void> {
  let hadOutput = false;
  const once = async (): Promise<void> => {
    const deadline = new RequestAttempt(scope.clock, scope.signal, options.firstOutputTimeoutMs);
    const output = () => {
      hadOutput = true;
      deadline.gotFirstByte();
    };
    try {
      await attempt(deadline.signal, output);
      // An SDK may end a stream quietly when its signal aborts.
      if (deadline.timedOut) throw deadline.timeoutError();
    } catch (error) {
      throw deadline.explain(error);
    } finally {
      deadline.close();
    }
  };
  await retryBeforeOutput(once, () => hadOutput, retryContextOf(options, scope));
}

/**
 * `runRequest` for a streamed request (LLM deltas): items pass through as they
 * come; an attempt that fails before any item `isOutput` is retried, the
 * deadline is met by the first item of any kind. Ends quietly when interrupted.
 */
export async function* streamRequest<T>(
  attempt: (signal: AbortSignal) => AsyncIterable<T>,
  isOutput: (item: T) => boolean,
  options: RequestOptions,
  scope: RequestScope,
): AsyncIterable<T> {
  const ctx = retryContextOf(options, scope);
  for (let n = 0; ; n++) {
    const deadline = new RequestAttempt(scope.clock, scope.signal, options.firstOutputTimeoutMs);
    let hadOutput = false;
    let failure: unknown;
    try {
      for await (const item of attempt(deadline.signal)) {
        deadline.gotFirstByte();
        hadOutput ||= isOutput(item);
        yield item;
      }
      if (!deadline.timedOut) return;
      failure = deadline.timeoutError();
    } catch (error) {
      failure = deadline.explain(error);
    } finally {
      // Also when the consumer stopped early: releases the attempt's connection.
      deadline.close();
    }
    if (!(await waitToRetry(failure, n, hadOutput, ctx))) return;
  }
}
