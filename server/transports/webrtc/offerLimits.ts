import { TokenBucket } from '../../net/TokenBucket.ts';

/** Abuse limits on signalling (design §3.6); each is an environment variable. */
export interface WebRtcOfferLimits {
  /** New offers per minute per remote address (each one binds a UDP socket and a session). */
  offersPerMinute: number;
  /** Offers an address may make at once before the per-minute rate applies. */
  offerBurst: number;
  /** Trickled ICE candidates per peer in all (a browser sends a handful). */
  maxCandidatesPerPeer: number;
}

export const DEFAULT_OFFER_LIMITS: WebRtcOfferLimits = {
  offersPerMinute: 60,
  offerBurst: 20,
  maxCandidatesPerPeer: 100,
};

const ENV: Record<keyof WebRtcOfferLimits, string> = {
  offersPerMinute: 'PARLEY_WEBRTC_OFFERS_PER_MIN',
  offerBurst: 'PARLEY_WEBRTC_OFFER_BURST',
  maxCandidatesPerPeer: 'PARLEY_WEBRTC_MAX_CANDIDATES',
};

/** Reads the limits; a value that is set but not a positive integer stops the server at start. */
export function offerLimitsFromEnv(env: Record<string, string | undefined>): WebRtcOfferLimits {
  const limits = { ...DEFAULT_OFFER_LIMITS };
  for (const key of Object.keys(ENV) as Array<keyof WebRtcOfferLimits>) {
    const raw = env[ENV[key]];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${ENV[key]} must be a positive integer, got '${raw.slice(0, 40)}'`);
    limits[key] = n;
  }
  return limits;
}

/** Addresses remembered at most; beyond it idle (full) buckets are forgotten. */
const MAX_TRACKED = 10_000;

/**
 * Per-address token buckets for `POST /api/offer`. A refused offer learns when
 * the next token is due (`Retry-After`), so a polite client can wait it out.
 */
export class OfferRateLimiter {
  private readonly buckets = new Map<string, { bucket: TokenBucket; usedAt: number }>();
  private readonly perSec: number;

  constructor(
    private readonly limits: WebRtcOfferLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perSec = limits.offersPerMinute / 60;
  }

  /** Takes one offer for `ip`; when refused, the seconds until the next one is allowed. */
  take(ip: string): { ok: true } | { ok: false; retryAfterSecs: number } {
    const now = this.now();
    let entry = this.buckets.get(ip);
    if (!entry) {
      this.prune(now);
      entry = {
        bucket: new TokenBucket(this.perSec, this.limits.offerBurst, this.now),
        usedAt: now,
      };
      this.buckets.set(ip, entry);
    }
    entry.usedAt = now;
    if (entry.bucket.take()) return { ok: true };
    return { ok: false, retryAfterSecs: Math.max(1, Math.ceil(1 / this.perSec)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** A bucket untouched long enough to be full again holds no information: drop it. */
  private prune(now: number): void {
    if (this.buckets.size < MAX_TRACKED) return;
    const refillMs = (this.limits.offerBurst / this.perSec) * 1000;
    for (const [ip, entry] of this.buckets)
      if (now - entry.usedAt >= refillMs) this.buckets.delete(ip);
    // Still full of busy addresses: forget the oldest (Map keeps insertion order).
    for (const ip of this.buckets.keys()) {
      if (this.buckets.size < MAX_TRACKED) break;
      this.buckets.delete(ip);
    }
  }
}
