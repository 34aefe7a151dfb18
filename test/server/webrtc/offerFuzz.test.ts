import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

/** A small deterministic PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(sdp: string, random: () => number): string {
  const lines = sdp.split('\r\n');
  const pick = () => Math.floor(random() * lines.length);
  switch (Math.floor(random() * 5)) {
    case 0:
      lines.splice(pick(), 1 + Math.floor(random() * 5));
      break;
    case 1:
      lines[pick()] = lines[pick()];
      break;
    case 2: {
      const i = pick();
      lines[i] = lines[i].slice(0, Math.floor(random() * lines[i].length));
      break;
    }
    case 3: {
      const i = pick();
      lines[i] = lines[i].replace(/\d+/, String(Math.floor(random() * 2 ** 33) - 2 ** 32));
      break;
    }
    default:
      return sdp.slice(0, Math.floor(random() * sdp.length));
  }
  return lines.join('\r\n');
}

/** Broken offers get a 4xx (or, if werift can still answer them, a 200) — never a 5xx or a crash. */
describe('WebRTC offer fuzz', () => {
  it('answers 60 mutated offers without a 5xx and stays healthy', { timeout: 60_000 }, async () => {
    // Above the per-address offer rate, so every mutated offer reaches the parser and werift.
    const t = await startTestServer({ env: { PARLEY_WEBRTC_OFFER_BURST: '1000' } });
    const c = new SmallWebRtcClient({ url: t.url });
    try {
      await c.pc.setLocalDescription(await c.pc.createOffer());
      const sdp = c.pc.localDescription?.sdp ?? '';
      const random = prng(14);
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${t.url}/api/offer?graph=echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sdp: mutate(sdp, random), type: 'offer', pc_id: null }),
        });
        await res.text();
        statuses.push(res.status);
        t.server.webrtc.closeAll('fuzz case done');
      }
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses).not.toContain(429);
      expect(statuses.some((s) => s === 400)).toBe(true);
      expect((await t.api('GET', '/api/health')).body).toMatchObject({ ok: true });
      expect(t.server.webrtc.size).toBe(0);
    } finally {
      await c.close();
      await t.close();
    }
  });
});
