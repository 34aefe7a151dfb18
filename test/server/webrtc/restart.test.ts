import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

const TIMEOUTS = {
  connectMs: 3000,
  dataChannelMs: 1500,
  pingMs: 600,
  gatheringMs: 1000,
  graceMs: 3000,
};

/** Design §3.2: `restart_pc: true` moves the same session onto a new peer. */
describe('WebRTC restart', () => {
  let t: TestServer;
  const clients: SmallWebRtcClient[] = [];
  const client = () => {
    const c = new SmallWebRtcClient({ url: t.url, graph: 'echo', pingMs: 200 });
    clients.push(c);
    return c;
  };
  const said = (c: SmallWebRtcClient, text: string) =>
    c.messages.some(
      (m) => m.type === 'bot-output' && (m.data as { text?: string }).text === `echo: ${text}`,
    );

  beforeAll(async () => {
    t = await startTestServer({ webrtcTimeouts: TIMEOUTS });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it('keeps the session and its conversation across a restart after the peer vanished', {
    timeout: 20_000,
  }, async () => {
    const a = client();
    expect((await a.connect()).status).toBe(200);
    await waitFor(() => a.channel?.readyState === 'open', 5000, 'data channel open');
    a.rtvi('client-ready', {});
    await waitFor(() => a.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    a.rtvi('send-text', { content: 'before' });
    await waitFor(() => said(a, 'before'), 5000, 'echo before');
    const [session] = t.server.sessions.list();

    // The network goes; pings stop. The session waits out the grace window.
    await a.vanish();
    await new Promise((r) => setTimeout(r, TIMEOUTS.pingMs + 300));
    expect(t.server.webrtc.size).toBe(1);

    const b = client();
    const restarted = await b.connect(a.pcId);
    expect(restarted).toMatchObject({ status: 200, body: { type: 'answer', pc_id: a.pcId } });
    await waitFor(() => b.channel?.readyState === 'open', 5000, 'new data channel open');
    b.rtvi('send-text', { content: 'after' });
    await waitFor(() => said(b, 'after'), 5000, 'echo after');
    expect(t.server.sessions.list().map((s) => s.id)).toEqual([session.id]);
    expect(t.server.webrtc.size).toBe(1);
    // Beyond ping + grace from the vanishing: only the new peer's pings kept it alive.
    await new Promise((r) => setTimeout(r, TIMEOUTS.graceMs));
    expect(t.server.sessions.list().map((s) => s.id)).toEqual([session.id]);
    b.rtvi('send-text', { content: 'still' });
    await waitFor(() => said(b, 'still'), 5000, 'echo still');

    await b.close();
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'session closed');
    expect(t.server.webrtc.size).toBe(0);
  });

  it('keeps the session when the client closes its old peer after the restart', {
    timeout: 15_000,
  }, async () => {
    const a = client();
    expect((await a.connect()).status).toBe(200);
    await waitFor(() => a.channel?.readyState === 'open', 5000, 'data channel open');
    await waitFor(() => t.server.sessions.list().length === 1, 3000, 'session');
    const [session] = t.server.sessions.list();
    const b = client();
    expect((await b.connect(a.pcId)).status).toBe(200);
    // Pipecat's client closes the old pc once the new one is up: its goodbye must not count.
    await a.close();
    await waitFor(() => b.channel?.readyState === 'open', 5000, 'new data channel open');
    b.rtvi('send-text', { content: 'moved' });
    await waitFor(() => said(b, 'moved'), 5000, 'echo moved');
    expect(t.server.sessions.list().map((s) => s.id)).toEqual([session.id]);
    await b.close();
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'session closed');
  });

  it('ends the session when a restart offer cannot be answered', {
    timeout: 15_000,
  }, async () => {
    const a = client();
    expect((await a.connect()).status).toBe(200);
    await waitFor(() => t.server.sessions.list().length === 1, 3000, 'session');
    const res = await fetch(`${t.url}/api/offer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Valid enough for the body checks, nothing werift can answer.
      body: JSON.stringify({
        sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n',
        type: 'offer',
        pc_id: a.pcId,
        restart_pc: true,
      }),
    });
    expect(res.status).toBe(400);
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'session closed');
    expect(t.server.webrtc.size).toBe(0);
  });

  it('ends the session when no restart comes within the grace window', {
    timeout: 15_000,
  }, async () => {
    const c = client();
    expect((await c.connect()).status).toBe(200);
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    await waitFor(() => t.server.sessions.list().length === 1, 3000, 'session');
    await c.vanish();
    const start = Date.now();
    await waitFor(() => t.server.webrtc.size === 0, 8000, 'registry empty');
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(TIMEOUTS.graceMs);
    expect(took).toBeLessThan(TIMEOUTS.pingMs + TIMEOUTS.graceMs + 1000);
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'session closed');
    // Too late: the client learns with a 4xx that it must connect afresh.
    const late = await client().connect(c.pcId);
    expect(late).toMatchObject({ status: 404 });
  });
});
