import type { SessionManager } from '../sessions/SessionManager.ts';

/**
 * Resolves when every live session has ended by itself, or at `timeoutMs` with how many
 * are still live then (the caller cuts those off).
 */
export function waitForSessionsToEnd(sessions: SessionManager, timeoutMs: number): Promise<number> {
  if (sessions.size === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      sessions.off('ended', onEnded);
      resolve(sessions.size);
    };
    const onEnded = () => {
      if (sessions.size === 0) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    sessions.on('ended', onEnded);
  });
}
