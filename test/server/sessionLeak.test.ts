import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
}

describe('session lifecycle', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const graph = (
      (await t.api('GET', '/api/graphs/echo')).body as {
        graph: { nodes: Array<{ id: string; config: Record<string, unknown> }> };
      }
    ).graph;
    const bot = graph.nodes.find((n) => n.id === 'bot')!;
    bot.config.replyMs = 60;
    bot.config.sampleRate = 24000; // the client's rate: no resampler, so 200 sessions stay quick
    expect((await t.api('POST', '/api/graphs', { name: 'fast', graph })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  async function conversation(): Promise<void> {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=fast`);
    s.rtvi('send-text', { content: 'hi' });
    await s.waitFor((m) => m.type === 'bot-started-speaking');
    await s.close();
  }

  async function batch(n: number, parallel: number): Promise<void> {
    for (let i = 0; i < n; i += parallel)
      await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, conversation));
    await waitFor(() => t.server.sessions.size === 0, 3000, 'all sessions to end');
  }

  it('opens and closes 200 sessions without leaking handles or heap', {
    timeout: 60_000,
  }, async () => {
    await batch(20, 10); // warm-up: JIT, module caches, socket pools
    await settle();
    const handlesBefore = activeHandles();
    const heapBefore = process.memoryUsage().heapUsed;

    await batch(200, 10);
    await settle();

    const handlesAfter = activeHandles();
    const heapAfter = process.memoryUsage().heapUsed;
    expect(t.server.sessions.size).toBe(0);
    expect(handlesAfter - handlesBefore).toBeLessThanOrEqual(2);
    // 200 sessions hold several MB while alive; after teardown only noise remains.
    expect((heapAfter - heapBefore) / 1024 / 1024).toBeLessThan(8);
  });

  it('keeps other sessions running when one cannot start', { timeout: 10_000 }, async () => {
    const healthy = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=fast`);
    const failing = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=keyed`);
    await waitFor(() => failing.closed !== undefined, 2000, 'refusal');
    expect(failing.closed?.code).toBe(4400);
    expect(failing.messages[0]).toMatchObject({
      type: 'error',
      data: { fatal: true, error: expect.stringContaining('TEST_API_KEY') },
    });
    healthy.rtvi('send-text', { content: 'still fine' });
    await healthy.waitFor((m) => m.type === 'bot-llm-text');
    expect(t.server.sessions.list().map((s) => s.graph)).toEqual(['fast']);
    await healthy.close();
  });

  it('ends a session from the API, closing its socket', { timeout: 10_000 }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=fast`);
    const [info] = t.server.sessions.list();
    expect((await t.api('GET', `/api/sessions/${info.id}`)).body).toMatchObject({
      id: info.id,
      nodes: ['in', 'ear', 'bot', 'out'],
    });
    expect((await t.api('DELETE', `/api/sessions/${info.id}`)).status).toBe(204);
    await waitFor(() => s.closed !== undefined, 2000, 'socket close');
    expect(s.closed?.code).toBe(1000);
    expect(t.server.sessions.size).toBe(0);
  });

  it('ends the session on disconnect-bot', { timeout: 10_000 }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=fast`);
    s.rtvi('disconnect-bot', {});
    await waitFor(() => s.closed !== undefined, 2000, 'socket close');
    expect(t.server.sessions.size).toBe(0);
  });
});
