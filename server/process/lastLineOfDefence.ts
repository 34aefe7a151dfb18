import type { Logger } from '#engine';

/** How many errors reached the process's last line of defence since start. */
export interface EscapedErrors {
  readonly count: number;
}

/**
 * The process's last line of defence. Every socket, session and provider
 * failure is meant to be handled where it happens and cost one connection;
 * an error that still escapes to the process is a bug. Node's default is to
 * exit, which would end every live call on the server for one client's
 * fault, so it is logged at `error` with a stack and counted instead, and the
 * count is reported by `/api/health` so it is seen — not hidden. The fuzz
 * suite asserts the count stays 0. Install once, in the entry point.
 */
export function installLastLineOfDefence(logger: Logger): EscapedErrors {
  const escaped = { count: 0 };
  process.on('uncaughtException', (error, origin) => {
    escaped.count++;
    logger.error(
      { err: error, origin, escapedErrors: escaped.count },
      'BUG: an error escaped to the process; the server goes on',
    );
  });
  process.on('unhandledRejection', (reason) => {
    escaped.count++;
    logger.error(
      { err: reason, escapedErrors: escaped.count },
      'BUG: a promise rejection escaped to the process; the server goes on',
    );
  });
  return escaped;
}
