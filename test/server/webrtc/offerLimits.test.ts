import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OFFER_LIMITS,
  OfferRateLimiter,
  offerLimitsFromEnv,
} from '../../../server/transports/webrtc/offerLimits.ts';
import { startTestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

async function request(url: string, method: string, body: unknown) {
  const res = await fetch(`${url}/api/offer`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const candidate = (port: number) => ({
  candidate: `candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host`,
  sdp_mid: '0',
  sdp_mline_index: 0,
});

/** Design §3.6: per-address offer rate, per-peer candidate total. */
describe('WebRTC offer limits', () => {
  it('reads the limits from the environment and refuses nonsense', () => {
    expect(offerLimitsFromEnv({})).toEqual(DEFAULT_OFFER_LIMITS);
    expect(
      offerLimitsFromEnv({ PARLEY_WEBRTC_OFFERS_PER_MIN: '5', PARLEY_WEBRTC_MAX_CANDIDATES: '7' }),
    ).toMatchObject({ offersPerMinute: 5, maxCandidatesPerPeer: 7 });
    expect(() => offerLimitsFromEnv({ PARLEY_WEBRTC_OFFER_BURST: '0' })).toThrow(
      /PARLEY_WEBRTC_OFFER_BURST/,
    );
    expect(() => offerLimitsFromEnv({ PARLEY_WEBRTC_OFFERS_PER_MIN: 'lots' })).toThrow();
  });

  it('gives each address its own bucket that refills at the per-minute rate', () => {
    let now = 0;
    const limits = { ...DEFAULT_OFFER_LIMITS, offersPerMinute: 6, offerBurst: 2 };
    const limiter = new OfferRateLimiter(limits, () => now);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSecs: 10 });
    expect(limiter.take('b').ok).toBe(true);
    now += 10_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('answers 429 with Retry-After once an address has used its offers', async () => {
    const t = await startTestServer({
      env: { PARLEY_WEBRTC_OFFER_BURST: '2', PARLEY_WEBRTC_OFFERS_PER_MIN: '1' },
    });
    try {
      // Refused bodies count too: each POST costs the server parsing before it can refuse.
      for (let i = 0; i < 2; i++) expect((await request(t.url, 'POST', {})).status).toBe(400);
      const refused = await request(t.url, 'POST', {});
      expect(refused).toMatchObject({ status: 429, retryAfter: '60', body: { error: /retry/ } });
      // PATCH is not rate-limited by it (a browser trickles several candidates quickly).
      const patch = await request(t.url, 'PATCH', { pc_id: 'parley-x', candidates: [] });
      expect(patch.status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('refuses candidates beyond the per-peer total, and keeps the call', {
    timeout: 15_000,
  }, async () => {
    const t = await startTestServer({ env: { PARLEY_WEBRTC_MAX_CANDIDATES: '4' } });
    const c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
    try {
      expect((await c.connect()).status).toBe(200);
      await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
      const patch = (n: number) =>
        request(t.url, 'PATCH', {
          pc_id: c.pcId,
          candidates: Array.from({ length: n }, (_, i) => candidate(40000 + i)),
        });
      // The client's own trickled candidates count towards the 4 as well.
      const over = await patch(5);
      expect(over).toMatchObject({ status: 400, body: { error: /more than 4 ICE candidates/ } });
      // Refused whole: what fits still goes in afterwards, until the total is reached.
      let last = 200;
      for (let i = 0; i < 5 && last === 200; i++) last = (await patch(1)).status;
      expect(last).toBe(400);
      expect(t.server.webrtc.size).toBe(1);
      c.rtvi('client-ready', {});
      await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    } finally {
      await c.close();
      await t.close();
    }
  });
});
