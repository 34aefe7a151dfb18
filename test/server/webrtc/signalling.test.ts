import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../engine/core/Logger.ts';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

const TIMEOUTS = {
  connectMs: 3000,
  dataChannelMs: 1500,
  pingMs: 1500,
  gatheringMs: 1000,
  graceMs: 300,
};

/** Why each WebRTC connection closed, from the server's debug log. */
function reasonLogger(reasons: string[]): Logger {
  const logger: Logger = {
    debug: (obj, msg) => {
      if (msg === 'webrtc connection closing') reasons.push((obj as { reason: string }).reason);
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

/** The SmallWebRTC signalling and data-channel contract, with a werift peer as the client. */
describe('WebRTC transport (/api/offer)', () => {
  let t: TestServer;
  const reasons: string[] = [];
  const clients: SmallWebRtcClient[] = [];
  const client = (options: Partial<ConstructorParameters<typeof SmallWebRtcClient>[0]> = {}) => {
    const c = new SmallWebRtcClient({ url: t.url, graph: 'echo', pingMs: 300, ...options });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestServer({ webrtcTimeouts: TIMEOUTS, logger: reasonLogger(reasons) });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it('answers the offer, says bot-ready to client-ready, and relays the echo bot', {
    timeout: 15_000,
  }, async () => {
    const c = client();
    const { status, body } = await c.connect();
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'answer' });
    expect(String(body.pc_id)).toMatch(/^parley-[0-9a-f-]{36}$/);
    expect(String(body.sdp)).toContain('m=audio');
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    const readyId = c.rtvi('client-ready', { version: '1.0.0', about: { library: 'test' } });
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    const ready = c.messages.find((m) => m.type === 'bot-ready');
    expect(ready).toMatchObject({ label: 'rtvi-ai', id: readyId, data: { version: '2.1.0' } });
    expect(t.server.sessions.list()).toMatchObject([
      { graph: 'echo', transport: 'pipecat-webrtc' },
    ]);
    expect(c.patches.every((s) => s === 200)).toBe(true);

    c.rtvi('send-text', { content: 'hello' });
    await waitFor(() => c.messages.some((m) => m.type === 'bot-output'), 5000, 'bot-output');
    expect(c.messages.find((m) => m.type === 'bot-llm-text')?.data).toEqual({
      text: 'echo: hello',
    });
    expect(c.messages.find((m) => m.type === 'bot-output')?.data).toMatchObject({
      text: 'echo: hello',
    });

    // client.disconnect(): the channel and pc close, no HTTP call; the server notices.
    await c.close();
    await waitFor(() => t.server.webrtc.size === 0, 3000, 'registry empty');
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'sessions closed');
    expect(reasons.at(-1)).toBe('client disconnected');
  });

  it('answers client-message, refuses what is not RTVI, and ends on disconnect-bot', {
    timeout: 15_000,
  }, async () => {
    const c = client();
    expect((await c.connect()).status).toBe(200);
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    c.rtvi('client-ready', {});
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    const pingId = c.rtvi('client-message', { t: 'ping', d: { n: 1 } });
    c.send('{"hello":1}');
    await waitFor(() => c.messages.some((m) => m.type === 'error'), 3000, 'error');
    expect(c.messages.find((m) => m.id === pingId)).toMatchObject({
      type: 'server-response',
      data: { t: 'ping', d: { pong: true, echo: { n: 1 } } },
    });
    expect(c.messages.find((m) => m.type === 'error')?.data).toMatchObject({
      error: expect.stringContaining('not an RTVI message'),
      fatal: false,
    });
    c.rtvi('disconnect-bot');
    await waitFor(() => c.signalling.some((m) => isType(m, 'peerLeft')), 3000, 'peerLeft');
    await waitFor(() => t.server.webrtc.size === 0, 3000, 'registry empty');
    expect(t.server.sessions.list()).toEqual([]);
    expect(reasons.at(-1)).toContain('client asked to disconnect the bot');
  });

  it('refuses malformed offers with a 4xx that names the problem', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${t.url}/api/offer?graph=echo`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string } }));
    expect(await post('{not json')).toMatchObject({ status: 400, body: { error: /JSON/ } });
    expect(await post('hello', 'text/plain')).toMatchObject({
      status: 415,
      body: { error: /application\/json/ },
    });
    expect(await post(JSON.stringify({ type: 'offer' }))).toMatchObject({
      status: 400,
      body: { error: /sdp is missing/ },
    });
    expect(await post(JSON.stringify({ sdp: 'x'.repeat(100_000), type: 'offer' }))).toMatchObject({
      status: 413,
    });
    expect(await post(JSON.stringify({ sdp: 'garbage', type: 'offer' }))).toMatchObject({
      status: 400,
      body: { error: /sdp/ },
    });
    expect(
      await post(JSON.stringify({ sdp: 'v=0\r\nm=garbage\r\n', type: 'offer' })),
    ).toMatchObject({ status: 400 });
    expect(await post(JSON.stringify({ sdp: 'v=0\r\n', type: 'answer' }))).toMatchObject({
      status: 400,
    });
    const unknown = await fetch(`${t.url}/api/offer`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pc_id: 'parley-nope', candidates: [] }),
    });
    expect(unknown.status).toBe(404);
    const noGraph = await client({ graph: 'missing' }).connect();
    expect(noGraph).toMatchObject({ status: 404, body: { error: /missing/ } });
    expect(t.server.webrtc.size).toBe(0);
  });

  it('closes a client that never opens the data channel within the bound', {
    timeout: 15_000,
  }, async () => {
    const c = client({ noDataChannel: true });
    expect((await c.connect()).status).toBe(200);
    expect(t.server.webrtc.size).toBe(1);
    const start = Date.now();
    await waitFor(() => t.server.webrtc.size === 0, 8000, 'registry empty');
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.connectMs + TIMEOUTS.dataChannelMs + 1000);
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'sessions closed');
    expect(reasons.at(-1)).toBe('data channel did not open within 1.5 s');
  });

  it('closes a peer whose ICE never connects within the bound', { timeout: 15_000 }, async () => {
    // An offer whose sender never applies the answer: no connectivity checks ever succeed.
    const c = client();
    await c.pc.setLocalDescription(await c.pc.createOffer());
    const res = await fetch(`${t.url}/api/offer?graph=echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sdp: c.pc.localDescription?.sdp, type: 'offer', pc_id: null }),
    });
    expect(res.status).toBe(200);
    await res.json();
    expect(t.server.webrtc.size).toBe(1);
    const start = Date.now();
    await waitFor(() => t.server.webrtc.size === 0, TIMEOUTS.connectMs + 2000, 'registry empty');
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.connectMs + 1000);
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'sessions closed');
    expect(reasons.at(-1)).toBe('ICE/DTLS did not connect within 3 s');
  });

  it('closes a client that vanishes without a goodbye within the bound', {
    timeout: 15_000,
  }, async () => {
    const c = client();
    expect((await c.connect()).status).toBe(200);
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    c.rtvi('client-ready', {});
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    await c.vanish();
    const start = Date.now();
    await waitFor(() => t.server.webrtc.size === 0, 5000, 'registry empty');
    // Pings lapse, then the restart grace window runs out.
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.pingMs + TIMEOUTS.graceMs + 1000);
    await waitFor(() => t.server.sessions.list().length === 0, 3000, 'sessions closed');
    expect(reasons.at(-1)).toBe('no ping from the client for 1.5 s');
  });
});

function isType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && 'type' in message
    ? message.type === type
    : false;
}
