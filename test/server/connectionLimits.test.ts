import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

function upgrade(url: string): Promise<{ ws?: WebSocket; status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    setTimeout(() => reject(new Error('no answer to the upgrade')), 3000).unref();
  });
}

/** An upgrade done by hand on a bare TCP socket that then never reads, writes or answers a ping: a half-open peer. */
function silentPeer(url: string): Promise<Socket> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.once('data', (head) =>
      head.toString().startsWith('HTTP/1.1 101')
        ? resolve(socket)
        : reject(new Error(head.toString())),
    );
    socket.on('error', () => undefined);
  });
}

describe('abuse limits: each answered with a clear status or close code', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('connections per address (429) and in total (503), freed again when they close', async () => {
    t = await startTestServer({ limits: { maxConnectionsPerIp: 2 } });
    const a = await upgrade(`${t.wsUrl}/ws/live`);
    const b = await upgrade(`${t.wsUrl}/ws/live`);
    expect([a.status, b.status]).toEqual([101, 101]);
    expect((await upgrade(`${t.wsUrl}/ws/live`)).status).toBe(429);
    a.ws!.close();
    await waitFor(
      async () =>
        ((await t!.api('GET', '/api/health')).body as { connections: number }).connections === 1,
      3000,
      'the closed connection to be released',
    );
    const c = await upgrade(`${t.wsUrl}/ws/live`);
    expect(c.status).toBe(101);
    b.ws!.close();
    c.ws!.close();
    await t.close();

    t = await startTestServer({ limits: { maxConnections: 1 } });
    const only = await upgrade(`${t.wsUrl}/ws/live`);
    expect(only.status).toBe(101);
    expect((await upgrade(`${t.wsUrl}/ws/live`)).status).toBe(503);
    only.ws!.close();
  });

  it('live calls per token: the editor channel does not count, a call over the limit gets 429', async () => {
    t = await startTestServer({
      env: { PARLEY_TOKEN: 'tok-abcdef' },
      limits: { maxSessionsPerToken: 1 },
    });
    const call = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo&token=tok-abcdef`);
    expect((await upgrade(`${t.wsUrl}/ws/pipecat?graph=echo&token=tok-abcdef`)).status).toBe(429);
    expect((await upgrade(`${t.wsUrl}/v1/realtime?graph=echo&token=tok-abcdef`)).status).toBe(429);
    const live = await upgrade(`${t.wsUrl}/ws/live?token=tok-abcdef`);
    expect(live.status).toBe(101);
    live.ws!.close();
    await call.close();
  });

  it('a socket sending faster than its message rate is closed with 4429; another session goes on', async () => {
    t = await startTestServer({ limits: { maxMessagesPerSec: 20, messageBurst: 40 } });
    const calm = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const flood = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=echo`);
    for (let i = 0; i < 200; i++) flood.rtvi('client-message', { t: 'ping' });
    await waitFor(() => flood.closed !== undefined, 3000, 'the flooding socket to be closed');
    expect(flood.closed).toEqual({ code: 4429, reason: 'message rate limit exceeded' });
    calm.rtvi('send-text', { content: 'still here' });
    expect((await calm.waitFor((m) => m.type === 'bot-llm-text')).data).toEqual({
      text: 'echo: still here',
    });
    await calm.close();
  });

  it('a peer that answers nothing, not even pings, is closed after the idle timeout; a quiet but live one is not', async () => {
    t = await startTestServer({ limits: { idleTimeoutMs: 300 } });
    const quiet = await upgrade(`${t.wsUrl}/ws/live`); // `ws` answers pings by itself, as browsers do
    let quietClosed = false;
    quiet.ws!.once('close', () => (quietClosed = true));
    const dead = await silentPeer(`${t.wsUrl}/ws/live`);
    dead.on('data', () => undefined); // takes the pings in and never answers them
    await new Promise<void>((resolve) => dead.once('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 400));
    expect(quietClosed).toBe(false);
    expect(((await t.api('GET', '/api/health')).body as { connections: number }).connections).toBe(
      1,
    );
    quiet.ws!.close();
  });

  it('a connection older than the maximum session duration is closed with 4410', async () => {
    t = await startTestServer({ limits: { maxSessionMs: 300 } });
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    await waitFor(() => s.closed !== undefined, 3000, 'the session to reach its maximum duration');
    expect(s.closed).toEqual({ code: 4410, reason: 'maximum session duration reached' });
    await waitFor(() => t!.server.sessions.size === 0, 3000, 'the session to end');
  });

  it('refuses a limit that is not a positive number, naming the variable', async () => {
    await expect(
      startTestServer({ env: { PARLEY_MAX_CONNECTIONS_PER_IP: 'lots' } }),
    ).rejects.toThrow(/PARLEY_MAX_CONNECTIONS_PER_IP="lots" is not a positive number/);
  });
});
