/**
 * Session ids that name their worker, `<worker id>~<uuid>`, so that a request about
 * a session reaching another worker goes straight to the one that holds it instead
 * of asking every worker. Only cluster members use them (the embedded default keeps
 * plain UUIDs), and only when the worker id needs no escaping in a URL; any other
 * id is found by asking around, as before.
 */
import { randomUUID } from 'node:crypto';

const SEPARATOR = '~';
const URL_SAFE_WORKER_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A new session id for a session held by `workerId`. */
export function newSessionId(workerId: string): string {
  return URL_SAFE_WORKER_ID.test(workerId)
    ? `${workerId}${SEPARATOR}${randomUUID()}`
    : randomUUID();
}

/** The worker a session id names, or undefined for a plain id. */
export function workerOfSession(sessionId: string): string | undefined {
  const at = sessionId.lastIndexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const worker = sessionId.slice(0, at);
  return URL_SAFE_WORKER_ID.test(worker) ? worker : undefined;
}
