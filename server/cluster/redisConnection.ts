/**
 * The cluster's one Redis connection per worker (plus the subscriber the graph store
 * duplicates from it). Never blocks the server: it connects in the background, keeps
 * reconnecting with a capped back-off, and commands fail at once while it is down
 * (no offline queue) — so a dispatch or heartbeat during an outage falls back to the
 * local process instead of hanging a caller.
 */
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '#engine';

export type RedisClient = RedisClientType;

export interface RedisConnection {
  readonly client: RedisClient;
  /** Connected and ready for commands. */
  readonly up: boolean;
  /** What went wrong last while down, for health and logs. */
  readonly lastError: string | undefined;
  /** Resolves once connected the first time (or rejects after `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 2_000;
/** A dead TCP peer (Redis host gone, not restarted) is noticed by a ping within this. */
const PING_INTERVAL_MS = 2_000;

export function connectRedis(url: string, logger: Logger): RedisConnection {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: PING_INTERVAL_MS,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 5), MAX_BACKOFF_MS),
    },
  }) as RedisClient;
  let up = false;
  let lastError: string | undefined;
  let wasDown = false;
  let closed = false;

  client.on('ready', () => {
    up = true;
    lastError = undefined;
    if (wasDown) logger.info({ redis: redactUrl(url) }, 'redis reachable again');
    wasDown = false;
  });
  client.on('end', () => {
    up = false;
  });
  client.on('error', (error: Error) => {
    const message = error.message || String(error);
    // Logged once per outage: the client retries every ≤2 s and would flood the log.
    if (!wasDown && !closed)
      logger.warn({ redis: redactUrl(url), err: message }, 'redis unreachable; serving locally');
    up = false;
    wasDown = true;
    lastError = message;
  });
  const connecting = client.connect().then(
    () => undefined,
    (error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
    },
  );

  return {
    client,
    get up() {
      return up && client.isReady;
    },
    get lastError() {
      return lastError;
    },
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`redis at ${redactUrl(url)} not reachable within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([connecting.then(() => waitReady(client)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}

function waitReady(client: RedisClient): Promise<void> {
  if (client.isReady) return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/** Redis URLs may carry a password: logs and health show only where. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'redis (invalid URL)';
  }
}
