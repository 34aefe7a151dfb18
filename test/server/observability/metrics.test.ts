/**
 * GET /metrics on a real server: off unless PARLEY_METRICS is set, behind the
 * token like /api, and moved by a real conversation — sessions, turns,
 * voice-to-voice and barge-in latency, a provider's failed request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { createServer } from '../../../server/createServer.ts';
import { echoRegistry } from '../helpers/echoBotNodes.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { startTestServer, waitFor } from '../helpers/testServer.ts';
import { CASCADE, type CascadeServer, speak, startCascadeServer } from './cascadeConversation.ts';
import { sample, scrape } from './scrape.ts';

describe('/metrics switches and auth', () => {
  it('is 404 when PARLEY_METRICS is not set', async () => {
    const t = await startTestServer();
    try {
      const res = await scrape(t.url);
      expect(res.status).toBe(404);
      expect(res.text).toMatch(/PARLEY_METRICS=1/);
    } finally {
      await t.close();
    }
  });

  it('asks for the bearer token when PARLEY_TOKEN is set, and answers with it', async () => {
    const t = await startTestServer({ token: 'scrape-secret', env: { PARLEY_METRICS: '1' } });
    try {
      expect((await scrape(t.url)).status).toBe(401);
      expect((await scrape(t.url, { authorization: 'Bearer wrong' })).status).toBe(401);
      const res = await scrape(t.url, { authorization: 'Bearer scrape-secret' });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE parley_turns_total counter');
    } finally {
      await t.close();
    }
  });

  it('refuses an unusable PARLEY_METRICS, naming the variable', () => {
    expect(() =>
      createServer({
        registry: echoRegistry(),
        graphsDir: '/nonexistent',
        env: { PARLEY_METRICS: 'maybe' },
        logger: silentLogger,
      }),
    ).toThrow(/PARLEY_METRICS="maybe" must be 1 or 0/);
  });

  it('keeps each server’s series apart (a registry per server, never the global one)', async () => {
    const a = await startTestServer({
      env: { PARLEY_METRICS: '1' },
      observability: { workerId: 'worker-a', capacity: 4 },
    });
    const b = await startTestServer({
      env: { PARLEY_METRICS: '1', PARLEY_WORKER_CAPACITY: '8' },
      observability: { workerId: 'worker-b' },
    });
    try {
      const socket = await RawPipecatSocket.ready(`${a.wsUrl}/ws/pipecat?graph=echo`);
      const fromA = (await scrape(a.url)).text;
      const fromB = (await scrape(b.url)).text;
      expect(sample(fromA, 'parley_active_sessions', { graph: 'echo' })).toBe(1);
      expect(sample(fromA, 'parley_worker_capacity', { worker: 'worker-a' })).toBe(4);
      expect(sample(fromA, 'parley_worker_load_ratio', { worker: 'worker-a' })).toBe(0.25);
      expect(sample(fromB, 'parley_active_sessions', { graph: 'echo' })).toBeUndefined();
      expect(sample(fromB, 'parley_worker_load_ratio', { worker: 'worker-b' })).toBe(0);
      // Without the option, the cluster's own capacity setting.
      expect(sample(fromB, 'parley_worker_capacity', { worker: 'worker-b' })).toBe(8);
      expect(fromB).not.toContain('worker-a');
      await socket.close();
      await waitFor(() => a.server.sessions.size === 0, 3000, 'session end');
      expect(
        sample((await scrape(a.url)).text, 'parley_active_sessions', { graph: 'echo' }),
      ).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('/metrics through a real conversation', () => {
  let c: CascadeServer;
  const graph = { graph: CASCADE };

  beforeAll(async () => {
    c = await startCascadeServer(
      {
        chat: [
          { text: 'Once upon a time there was a very long story that went on and on.' },
          { text: 'Sure.' },
          { status: 400, errorMessage: 'Invalid request: injected by the test' },
        ],
        // The first reply talks long enough to be barged in on.
        speech: [{ durationMs: 6000 }, { durationMs: 300 }],
      },
      { env: { PARLEY_METRICS: '1' }, observability: { workerId: 'test-worker', capacity: 10 } },
    );
  });
  afterAll(async () => c?.close());

  const metrics = async () => {
    const res = await scrape(c.t.url);
    expect(res.status).toBe(200);
    return res.text;
  };

  it('counts sessions, turns, voice-to-voice, barge-ins and provider errors', {
    timeout: 60_000,
  }, async () => {
    const before = await metrics();
    expect(sample(before, 'parley_turns_total', graph)).toBeUndefined();
    expect(sample(before, 'parley_active_sessions', graph)).toBeUndefined();
    // Default Node metrics, event-loop lag among them, under their standard names.
    expect(sample(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(before, 'parley_worker_capacity', { worker: 'test-worker' })).toBe(10);

    const socket = await c.connect();
    const during = await metrics();
    expect(sample(during, 'parley_active_sessions', graph)).toBe(1);
    expect(sample(during, 'parley_worker_load_ratio', { worker: 'test-worker' })).toBe(0.1);

    // Turn 1: a long reply. The user talks over it once its audio plays.
    await speak(socket);
    await waitFor(() => socket.audio.length > 10, 20_000, 'the first reply playing');
    await speak(socket, 'thank-you.wav');
    await waitFor(
      async () => sample(await metrics(), 'parley_turns_total', graph) === 2,
      20_000,
      'two turns counted',
    );
    const afterTwo = await metrics();
    expect(sample(afterTwo, 'parley_voice_to_voice_seconds_count', graph)).toBe(2);
    const v2vSum = sample(afterTwo, 'parley_voice_to_voice_seconds_sum', graph) ?? 0;
    expect(v2vSum).toBeGreaterThan(0);
    expect(v2vSum).toBeLessThan(20);
    // Buckets are cumulative: every observation is under +Inf.
    expect(sample(afterTwo, 'parley_voice_to_voice_seconds_bucket', { ...graph, le: '+Inf' })).toBe(
      2,
    );
    expect(sample(afterTwo, 'parley_interruption_seconds_count', graph)).toBe(1);
    expect(sample(afterTwo, 'parley_provider_errors_total', { node_type: 'llm.openai' })).toBe(
      undefined,
    );

    // Turn 3: the chat model answers 400 — one error from the llm.openai node.
    await speak(socket, 'how-are-you.wav');
    await waitFor(
      async () =>
        sample(await metrics(), 'parley_provider_errors_total', { node_type: 'llm.openai' }) === 1,
      20_000,
      'the provider error counted',
    );
    expect(c.openai.requestsTo('/v1/chat/completions')).toHaveLength(3);

    await socket.close();
    await waitFor(() => c.t.server.sessions.size === 0, 5000, 'session end');
    const after = await metrics();
    expect(sample(after, 'parley_active_sessions', graph)).toBeUndefined();
    expect(sample(after, 'parley_worker_load_ratio', { worker: 'test-worker' })).toBe(0);
    // Label sets stay bounded: no session id ever becomes a label.
    expect(after).not.toMatch(/session(_id)?="/);
  });
});
