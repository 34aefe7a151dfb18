import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { Resampler } from '../../engine/audio/Resampler.ts';
import { tone } from './helpers/echoBotNodes.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined); // the server's close is what the test reads
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function closeCode(ws: WebSocket, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the server did not close the socket')),
      timeoutMs,
    );
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** The healthy session every test checks on: it must still answer after each attack. */
async function stillTalking(s: RawPipecatSocket, text: string): Promise<void> {
  const from = s.messages.length;
  s.rtvi('send-text', { content: text });
  const reply = await s.waitFor((m) => m.type === 'bot-llm-text', 3000, from);
  expect(reply.data).toEqual({ text: `echo: ${text}` });
}

describe('socket-level abuse closes only that connection, on every surface', () => {
  let t: TestServer;
  let healthy: RawPipecatSocket;
  let sessionId: string;
  beforeAll(async () => {
    t = await startTestServer();
    healthy = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    sessionId = t.server.sessions.list()[0].id;
  });
  afterAll(async () => {
    await healthy.close();
    await t.close();
  });

  const surfaces = () => [
    `/ws/pipecat?graph=echo`,
    `/ws/live`,
    `/ws/live?session=${sessionId}`,
    `/telephony/twilio/stream`,
    `/v1/realtime?graph=echo`,
  ];

  it('a text frame of invalid UTF-8 gets close 1007', async () => {
    for (const route of surfaces()) {
      const ws = await open(t.wsUrl + route);
      const closed = closeCode(ws);
      ws.send(Buffer.from([0xff, 0xfe, 0x80]), { binary: false });
      expect(await closed, route).toBe(1007);
      await stillTalking(healthy, `after utf-8 on ${route}`);
    }
  });

  it('a message over the hard size limit gets close 1009', async () => {
    for (const route of surfaces()) {
      const ws = await open(t.wsUrl + route);
      const closed = closeCode(ws);
      ws.send(Buffer.alloc(4 * 1024 * 1024 + 1));
      expect(await closed, route).toBe(1009);
    }
    await stillTalking(healthy, 'after oversized messages');
  });

  it('an RTVI ping 10,000 arrays deep is refused, not echoed', async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const from = s.messages.length;
    s.send(`{"label":"rtvi-ai","type":"client-message","id":"p1","data":{"t":"ping","d":${deep}}}`);
    const reply = await s.waitFor((m) => m.type === 'error', 3000, from);
    expect(String(reply.data?.error)).toMatch(/nests deeper than 32 levels/);
    // A shallow ping is still echoed.
    s.rtvi('client-message', { t: 'ping', d: [[1]] }, 'p2');
    expect((await s.waitFor((m) => m.type === 'server-response' && m.id === 'p2')).data).toEqual({
      t: 'ping',
      d: { pong: true, echo: [[1]] },
    });
    await stillTalking(healthy, 'after a deep ping');
    await s.close();
  });

  it('microphone audio alternating 44.1 / 8 kHz builds a few resamplers, not one per frame', async () => {
    const builds = vi.spyOn(Resampler, 'create');
    try {
      const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
      const from = s.messages.length;
      for (let i = 0; i < 400; i++) {
        const rate = [44100, 8000, 22050, 32000, 11025][i % 5];
        s.sendAudio(tone(20, rate, 440, 100), rate);
      }
      const refused = await s.waitFor(
        (m) => m.type === 'error' && /changed too often/.test(String(m.data?.error)),
        5000,
        from,
      );
      expect(refused.data?.fatal).toBe(false);
      await stillTalking(healthy, 'after rate churn');
      // At most the per-minute budget on this connection: before, every switch rebuilt one (~12 ms of the event loop each).
      expect(
        builds.mock.calls.filter(([fromRate, toRate]) => fromRate !== 16000 && toRate === 16000)
          .length,
      ).toBeLessThanOrEqual(6);
      await s.close();
    } finally {
      builds.mockRestore();
    }
  });

  it('a client reset mid-frame costs that connection only', async () => {
    for (const route of surfaces()) {
      const ws = await open(t.wsUrl + route);
      // A frame header promising 1000 bytes, then a TCP reset.
      const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
      raw.write(Buffer.from([0x82, 0xfe, 0x03, 0xe8, 1, 2, 3, 4, 9, 9]));
      raw.resetAndDestroy();
    }
    await stillTalking(healthy, 'after resets');
    expect((await t.api('GET', '/api/health')).status).toBe(200);
  });
});
