import type { WebSocket } from 'ws';
import type { Logger } from '#engine';
import { CloseCode } from './closeCodes.ts';
import type { ServerLimits } from './ServerLimits.ts';
import { SLOW_READER_EVENT } from './sendBounded.ts';
import { TokenBucket } from './TokenBucket.ts';

export interface GuardOptions {
  /** Which endpoint, for logs: 'pipecat', 'live', 'twilio', 'realtime', … */
  surface: string;
  ip: string;
  logger: Logger;
  limits: Pick<
    ServerLimits,
    'maxMessagesPerSec' | 'messageBurst' | 'maxSessionMs' | 'idleTimeoutMs'
  >;
  /** Called once when the socket has closed, however it closed. */
  onClosed?: () => void;
}

/** Socket-level problems are logged a few times per kind, then sampled: a client reconnecting to send garbage must not flood the log. */
const LOG_FIRST_PER_KIND = 5;
const LOG_EVERY_NTH = 100;
const problemCounts = new Map<string, number>();

/**
 * What every accepted WebSocket gets, on every surface, before its
 * transport sees it:
 * - an `error` listener: a client's broken framing (invalid UTF-8, bad
 *   opcode, reserved bits, an oversized frame) makes `ws` close that socket
 *   with the matching code (1007, 1002, 1009) and emit `error` — which,
 *   unheard, would end the whole process;
 * - a message rate limit (close 4429), an idle timeout with pings that also
 *   finds half-open peers (4408), and a maximum connection age (4410);
 * - one log line, sampled per kind, for each of these and for slow readers.
 */
export function guardSocket(ws: WebSocket, options: GuardOptions): void {
  const { logger, limits } = options;
  const where = { surface: options.surface, ip: options.ip };
  const closeFor = (code: number, problem: string, detail: Record<string, unknown> = {}) => {
    if (ws.readyState !== ws.OPEN) return;
    logProblem(logger, problem, { ...where, closeCode: code, ...detail });
    ws.close(code, problem);
  };

  ws.on('error', (error: Error & { code?: string }) => {
    logProblem(logger, `socket error ${error.code ?? error.name}`, {
      ...where,
      err: error.message.slice(0, 200),
    });
  });
  ws.on(SLOW_READER_EVENT, (backlogBytes: number) =>
    logProblem(logger, 'slow reader dropped', {
      ...where,
      closeCode: CloseCode.slowReader,
      backlogBytes,
    }),
  );

  const bucket = new TokenBucket(limits.maxMessagesPerSec, limits.messageBurst);
  let lastHeardAt = performance.now();
  ws.on('message', () => {
    lastHeardAt = performance.now();
    if (!bucket.take())
      closeFor(CloseCode.rateLimited, 'message rate limit exceeded', {
        limitPerSec: limits.maxMessagesPerSec,
      });
  });
  ws.on('pong', () => {
    lastHeardAt = performance.now();
  });

  // Pings let a quiet but live client (an editor watching, a text-only app) prove it is there: browsers and `ws` answer them unasked.
  const checkEveryMs = Math.max(50, limits.idleTimeoutMs / 3);
  const idleCheck = setInterval(() => {
    const quietMs = performance.now() - lastHeardAt;
    if (quietMs >= limits.idleTimeoutMs) {
      closeFor(CloseCode.idleTimeout, 'idle timeout', { idleTimeoutMs: limits.idleTimeoutMs });
      // A half-open peer will never answer the close: let go of the socket now.
      ws.terminate();
    } else if (quietMs >= checkEveryMs && ws.readyState === ws.OPEN) ws.ping();
  }, checkEveryMs);
  const maxAge = setTimeout(
    () =>
      closeFor(CloseCode.maxDuration, 'maximum session duration reached', {
        maxSessionMs: limits.maxSessionMs,
      }),
    limits.maxSessionMs,
  );
  idleCheck.unref();
  maxAge.unref();

  ws.once('close', () => {
    clearInterval(idleCheck);
    clearTimeout(maxAge);
    options.onClosed?.();
  });
}

function logProblem(logger: Logger, problem: string, detail: Record<string, unknown>): void {
  const count = (problemCounts.get(problem) ?? 0) + 1;
  problemCounts.set(problem, count);
  if (count <= LOG_FIRST_PER_KIND || count % LOG_EVERY_NTH === 0)
    logger.warn({ problem, count, ...detail }, 'websocket closed');
}
