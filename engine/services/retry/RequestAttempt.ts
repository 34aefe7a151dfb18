import type { Clock, TimerHandle } from '../../core/Clock.ts';

export class FirstByteTimeoutError extends Error {
  override name = 'FirstByteTimeoutError';
}

/**
 * One attempt at a streaming request. Its signal follows the processor's
 * (an interrupt cancels the HTTP request) and also fires when nothing arrives
 * within `firstByteTimeoutMs` (when one is given), so a server that accepts
 * and never answers cannot leave the user in silence. Always `close()` it:
 * that releases the connection when the caller stopped reading early.
 */
export class RequestAttempt {
  private readonly controller = new AbortController();
  private timer: TimerHandle | undefined;
  private timedOutFlag = false;
  private readonly onParentAbort = () => this.controller.abort(this.parent.reason);

  constructor(
    clock: Clock,
    private readonly parent: AbortSignal,
    private readonly firstByteTimeoutMs: number | undefined,
  ) {
    if (parent.aborted) this.controller.abort(parent.reason);
    else parent.addEventListener('abort', this.onParentAbort, { once: true });
    if (firstByteTimeoutMs === undefined) return;
    this.timer = clock.setTimeout(() => {
      this.timedOutFlag = true;
      this.controller.abort(this.timeoutError());
    }, firstByteTimeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  /** Something arrived: the first-byte deadline no longer applies. */
  gotFirstByte(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The error to report for `error`: a readable timeout instead of the abort it caused. */
  explain(error: unknown): unknown {
    return this.timedOutFlag ? this.timeoutError() : error;
  }

  timeoutError(): FirstByteTimeoutError {
    return new FirstByteTimeoutError(`no response within ${this.firstByteTimeoutMs} ms`);
  }

  close(): void {
    this.gotFirstByte();
    this.parent.removeEventListener('abort', this.onParentAbort);
    this.controller.abort();
  }
}
