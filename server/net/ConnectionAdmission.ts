import type { ServerLimits } from './ServerLimits.ts';

export type Admission =
  | { ok: true /** Call once when the connection closes. */; release: () => void }
  | { ok: false; status: 429 | 503; reason: string };

/**
 * Counts open WebSocket connections — in all, per remote address, and live
 * calls per token — and refuses a new one at the upgrade, before any session
 * or graph is built for it, when a count is at its limit.
 */
export class ConnectionAdmission {
  private total = 0;
  private readonly perIp = new Map<string, number>();
  private readonly perToken = new Map<string, number>();

  constructor(
    private readonly limits: Pick<
      ServerLimits,
      'maxConnections' | 'maxConnectionsPerIp' | 'maxSessionsPerToken'
    >,
  ) {}

  get openConnections(): number {
    return this.total;
  }

  /** `sessionKey` is set for sockets that start a call (who opened it: a token, or an address). */
  admit(ip: string, sessionKey?: string): Admission {
    if (this.total >= this.limits.maxConnections) {
      return {
        ok: false,
        status: 503,
        reason: `server is at its limit of ${this.limits.maxConnections} connections`,
      };
    }
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) {
      return {
        ok: false,
        status: 429,
        reason: `too many connections from this address (limit ${this.limits.maxConnectionsPerIp})`,
      };
    }
    if (
      sessionKey !== undefined &&
      (this.perToken.get(sessionKey) ?? 0) >= this.limits.maxSessionsPerToken
    ) {
      return {
        ok: false,
        status: 429,
        reason: `too many live sessions for this token (limit ${this.limits.maxSessionsPerToken})`,
      };
    }
    this.total++;
    increment(this.perIp, ip);
    if (sessionKey !== undefined) increment(this.perToken, sessionKey);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        decrement(this.perIp, ip);
        if (sessionKey !== undefined) decrement(this.perToken, sessionKey);
      },
    };
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const next = (counts.get(key) ?? 1) - 1;
  // Forget addresses with nothing open, so the map does not grow with every client ever seen.
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
