import { describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

async function postOffer(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/offer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Who may offer, how many, and offers on an existing pc_id. */
describe('WebRTC offer policy', () => {
  it('needs the API token when one is set', async () => {
    const t = await startTestServer({ token: 'secret' });
    try {
      const c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
      await c.pc.setLocalDescription(await c.pc.createOffer());
      const sdp = c.pc.localDescription?.sdp;
      const offer = { sdp, type: 'offer', pc_id: null, requestData: { graph: 'echo' } };
      expect((await postOffer(t.url, offer)).status).toBe(401);
      const ok = await postOffer(t.url, offer, { authorization: 'Bearer secret' });
      expect(ok.status).toBe(200);
      await c.close();
    } finally {
      await t.close();
    }
  });

  it('answers 429 when the WebRTC peer limit is reached, and takes the graph from requestData', {
    timeout: 15_000,
  }, async () => {
    const t = await startTestServer({ env: { PARLEY_WEBRTC_MAX_CONNECTIONS: '1' } });
    const a = new SmallWebRtcClient({ url: t.url });
    const b = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
    try {
      await a.pc.setLocalDescription(await a.pc.createOffer());
      const first = await postOffer(t.url, {
        sdp: a.pc.localDescription?.sdp,
        type: 'offer',
        pc_id: null,
        requestData: { graph: 'echo' },
      });
      expect(first.status).toBe(200);
      await waitFor(() => t.server.sessions.list().length === 1, 3000, 'session');
      expect(t.server.sessions.list()[0]).toMatchObject({ graph: 'echo' });
      const second = await b.connect();
      expect(second).toMatchObject({ status: 429, body: { error: /limit/ } });
    } finally {
      await a.close();
      await b.close();
      await t.close();
    }
  });

  it('renegotiates on the same pc and session for a known pc_id', {
    timeout: 15_000,
  }, async () => {
    const t = await startTestServer();
    const c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
    try {
      const first = await c.connect();
      expect(first.status).toBe(200);
      await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
      await waitFor(() => t.server.sessions.list().length === 1, 3000, 'session');
      const sessionId = t.server.sessions.list()[0].id;
      await c.pc.setLocalDescription(await c.pc.createOffer());
      const again = await postOffer(`${t.url}`, {
        sdp: c.pc.localDescription?.sdp,
        type: 'offer',
        pc_id: c.pcId,
        restart_pc: false,
      });
      expect(again).toMatchObject({ status: 200, body: { type: 'answer', pc_id: c.pcId } });
      await c.pc.setRemoteDescription({ type: 'answer', sdp: again.body.sdp as string });
      expect(t.server.webrtc.size).toBe(1);
      expect(t.server.sessions.list().map((s) => s.id)).toEqual([sessionId]);
      c.rtvi('client-ready', {});
      await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    } finally {
      await c.close();
      await t.close();
    }
  });
});
