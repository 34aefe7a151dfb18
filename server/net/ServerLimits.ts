/**
 * Abuse limits a production server needs, all configurable from the
 * environment (server/README lists them with their close codes). The
 * defaults leave room for a few hundred calls on one machine, all from one
 * address (a proxy, or a load test on loopback), while a single client can
 * neither exhaust the server's sockets nor flood its event loop.
 */
export interface ServerLimits {
  /** Open WebSocket connections on the whole server; past it new ones get HTTP 503. */
  maxConnections: number;
  /** Open WebSocket connections from one remote address; past it new ones get HTTP 429. */
  maxConnectionsPerIp: number;
  /** Live calls (pipecat, realtime, twilio sockets) opened with one token (or, without auth, from one address); past it HTTP 429. */
  maxSessionsPerToken: number;
  /** Average messages per second one socket may send (a 10 ms audio frame rate is 100/s). */
  maxMessagesPerSec: number;
  /** Messages a socket may send in a burst above the average. */
  messageBurst: number;
  /** A connection is closed (4410) after this long, whatever it is doing. */
  maxSessionMs: number;
  /** A connection from which nothing arrives — no message, no pong to our ping — is closed (4408) after this long. */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 2000,
  maxConnectionsPerIp: 500,
  maxSessionsPerToken: 500,
  maxMessagesPerSec: 250,
  messageBurst: 500,
  maxSessionMs: 4 * 60 * 60 * 1000,
  idleTimeoutMs: 60_000,
};

/** Environment variable → limit, and the unit the variable is written in. */
const FROM_ENV: ReadonlyArray<[variable: string, key: keyof ServerLimits, scale: number]> = [
  ['PARLEY_MAX_CONNECTIONS', 'maxConnections', 1],
  ['PARLEY_MAX_CONNECTIONS_PER_IP', 'maxConnectionsPerIp', 1],
  ['PARLEY_MAX_SESSIONS_PER_TOKEN', 'maxSessionsPerToken', 1],
  ['PARLEY_MAX_MESSAGES_PER_SEC', 'maxMessagesPerSec', 1],
  ['PARLEY_MESSAGE_BURST', 'messageBurst', 1],
  ['PARLEY_MAX_SESSION_MINUTES', 'maxSessionMs', 60_000],
  ['PARLEY_IDLE_TIMEOUT_SECS', 'idleTimeoutMs', 1000],
];

/** Reads the limits from the environment; a value that is not a positive number is refused, naming the variable. */
export function limitsFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<ServerLimits> = {},
): ServerLimits {
  const limits: ServerLimits = { ...DEFAULT_LIMITS };
  for (const [variable, key, scale] of FROM_ENV) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${variable}=${JSON.stringify(raw.slice(0, 40))} is not a positive number`);
    limits[key] = value * scale;
  }
  return { ...limits, ...overrides };
}
