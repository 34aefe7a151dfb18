import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time tickets that tie a media-stream WebSocket to the voice webhook that
 * announced it. Twilio cannot send our bearer token on the stream (it sets no
 * custom headers and drops query strings), but it echoes `<Parameter>`s in the
 * `start` message: the webhook — itself authenticated by Twilio's signature or
 * PARLEY_TOKEN — mints a ticket there, and the stream must present it once.
 *
 * In a cluster the webhook may answer on one worker and send the stream to another,
 * so a ticket is signed (HMAC with the secret the workers share) and names the worker
 * it is for; that worker checks it without asking anyone and remembers it until it
 * expires so it is redeemed once.
 */
export class StreamTickets {
  private readonly redeemed = new Map<string, number>();
  private readonly key: Buffer;

  /** `secret`: shared by the cluster's workers (main derives it from TWILIO_AUTH_TOKEN / PARLEY_TOKEN). */
  constructor(
    private readonly workerId = 'local',
    secret: string = randomBytes(32).toString('hex'),
    private readonly ttlMs = 5 * 60_000,
  ) {
    this.key = createHmac('sha256', 'parley twilio stream tickets').update(secret).digest();
  }

  /** A ticket for the stream that will reach `forWorker` (this worker by default). */
  issue(forWorker = this.workerId, now = Date.now()): string {
    const body = [
      Buffer.from(forWorker).toString('base64url'),
      String(now + this.ttlMs),
      randomBytes(16).toString('base64url'),
    ].join('.');
    return `${body}.${this.sign(body)}`;
  }

  /** True once per valid, unexpired ticket issued for this worker. */
  redeem(ticket: string | undefined, now = Date.now()): boolean {
    if (!ticket || ticket.length > 512) return false;
    const cut = ticket.lastIndexOf('.');
    const body = ticket.slice(0, cut);
    const [worker, expires] = body.split('.');
    const expiresAt = Number(expires);
    if (cut < 0 || !safeEqual(ticket.slice(cut + 1), this.sign(body))) return false;
    if (Buffer.from(worker ?? '', 'base64url').toString() !== this.workerId) return false;
    if (!(expiresAt > now) || this.redeemed.has(body)) return false;
    this.prune(now);
    this.redeemed.set(body, expiresAt);
    return true;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private prune(now: number): void {
    for (const [body, expiresAt] of this.redeemed) if (expiresAt <= now) this.redeemed.delete(body);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
