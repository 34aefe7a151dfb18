import { randomBytes } from 'node:crypto';

/**
 * One-time tickets that tie a media-stream WebSocket to the voice webhook that
 * announced it. Twilio cannot send our bearer token on the stream (it sets no
 * custom headers and drops query strings), but it echoes `<Parameter>`s in the
 * `start` message: the webhook — itself authenticated by Twilio's signature or
 * PARLEY_TOKEN — mints a ticket there, and the stream must present it once.
 */
export class StreamTickets {
  private readonly tickets = new Map<string, number>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  issue(now = Date.now()): string {
    this.prune(now);
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, now + this.ttlMs);
    return ticket;
  }

  /** True once per valid, unexpired ticket. */
  redeem(ticket: string | undefined, now = Date.now()): boolean {
    if (!ticket) return false;
    const expiresAt = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return expiresAt !== undefined && expiresAt > now;
  }

  private prune(now: number): void {
    for (const [ticket, expiresAt] of this.tickets)
      if (expiresAt <= now) this.tickets.delete(ticket);
  }
}
