/**
 * The entry points that choose a worker — the Pipecat connect endpoint and the Twilio
 * voice webhook — and the orchestrator probes, on one embedded server and on two
 * servers sharing a real redis-server.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_SERVER, type RedisServer, startRedisServer } from '../../helpers/redisServer.ts';
import { createPipecatTestClient } from '../helpers/pipecatTestClient.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { TwilioCallSimulator } from '../helpers/TwilioCallSimulator.ts';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
async function server(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const t = await startTestServer({ env: { DEFAULT_GRAPH: 'echo' }, ...overrides });
  cleanups.push(() => t.close());
  return t;
}

describe('POST /api/connect on the embedded server', () => {
  it('answers the connection parameters of each Pipecat transport, pointed at this server', async () => {
    const t = await server();
    const ws = await t.api('POST', '/api/connect?graph=keyed', { transport: 'websocket' });
    expect(ws).toEqual({ status: 200, body: { wsUrl: `${t.wsUrl}/ws/pipecat?graph=keyed` } });
    const rtc = await fetch(`${t.url}/api/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"graph":"echo"}',
    });
    expect(rtc.headers.get('x-parley-worker')).toBe(t.server.cluster.id);
    expect(await rtc.json()).toEqual({
      webrtcRequestParams: { endpoint: `${t.url}/api/offer?graph=echo` },
    });
  });

  it('refuses what it cannot serve with a 4xx naming the field', async () => {
    const t = await server();
    const transport = await t.api('POST', '/api/connect', { transport: 'carrier-pigeon' });
    expect(transport.status).toBe(400);
    expect(transport.body).toMatchObject({ error: expect.stringContaining('transport') });
    const graph = await t.api('POST', '/api/connect', { graph: '../etc/passwd' });
    expect(graph.status).toBe(400);
    expect(graph.body).toMatchObject({ error: expect.stringContaining('graph') });
  });

  it('lets the official Pipecat client startBotAndConnect through it, and the bot answers', async () => {
    const t = await server();
    const { client, media, events } = createPipecatTestClient();
    cleanups.push(() => client.disconnect());
    await client.startBotAndConnect({
      endpoint: `${t.url}/api/connect`,
      requestData: { transport: 'websocket', graph: 'echo' },
    });
    expect(t.server.sessions.list()).toEqual([expect.objectContaining({ graph: 'echo' })]);
    const loud = new Int16Array(16000 * 0.4).map((_, i) => Math.round(8000 * Math.sin(i / 3)));
    await media.speak(loud);
    await media.speak(new Int16Array(16000 * 0.4));
    await waitFor(() => events.transcripts.some((x) => x.final), 5000, 'final transcript');
  });

  it('answers 503 with Retry-After when the server is at capacity', async () => {
    const t = await server({ cluster: { capacity: 1 } });
    const first = await t.api('POST', '/api/connect', { transport: 'websocket' });
    const call = await RawPipecatSocket.ready((first.body as { wsUrl: string }).wsUrl);
    cleanups.push(() => call.close());
    const res = await fetch(`${t.url}/api/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"transport":"websocket"}',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      error: 'every worker is at capacity (1 worker)',
      retryAfterS: 5,
    });
  });
});

describe('orchestrator probes', () => {
  it('/healthz and /readyz answer without a token; /readyz turns 503 when draining', async () => {
    const t = await server({ token: 'secret' });
    expect((await t.api('GET', '/api/health')).status).toBe(401);
    expect(await t.api('GET', '/healthz')).toEqual({ status: 200, body: { ok: true } });
    const ready = await t.api('GET', '/readyz');
    expect(ready).toEqual({
      status: 200,
      body: expect.objectContaining({ ready: true, draining: false, redis: 'off', sessions: 0 }),
    });
    const call = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=echo`, {
      authorization: 'Bearer secret',
    });
    await waitFor(() => t.server.sessions.size === 1, 3000, 'a live call');
    const drained = t.server.drain(10_000);
    const unready = await t.api('GET', '/readyz');
    expect(unready).toEqual({
      status: 503,
      body: expect.objectContaining({ ready: false, draining: true, sessions: 1 }),
    });
    expect(call.closed, 'the live call goes on while draining').toBeUndefined();
    await call.close();
    expect(await drained).toEqual({ endedByThemselves: 1, cutOff: 0 });
  });
});

describe.skipIf(!existsSync(REDIS_SERVER))('dispatch across two servers on redis', () => {
  let redis: RedisServer;

  async function pair(env: Record<string, string> = {}, token?: string) {
    redis = await startRedisServer();
    cleanups.push(() => redis.close());
    const cluster = { redisUrl: redis.url, heartbeatMs: 200 };
    const a = await server({
      env: { DEFAULT_GRAPH: 'echo', ...env },
      token,
      cluster: { ...cluster, workerId: 'a', capacity: 1 },
    });
    const b = await server({
      env: { DEFAULT_GRAPH: 'echo', ...env },
      token,
      cluster: { ...cluster, workerId: 'b', capacity: 10 },
    });
    await waitFor(
      async () => (await a.server.cluster.directory?.workers())?.length === 2,
      5000,
      'both registered',
    );
    return { a, b };
  }

  it('sends a Twilio call to the worker with room; its ticket opens the stream there and nowhere else', async () => {
    const { a, b } = await pair({ TWILIO_GREETING: '' }, 'parley-secret');
    // a is full (capacity 1).
    const held = await RawPipecatSocket.open(`${a.wsUrl}/ws/pipecat?graph=echo`, {
      authorization: 'Bearer parley-secret',
    });
    cleanups.push(() => held.close());
    await waitFor(() => a.server.sessions.size === 1, 3000, 'a holds a call');
    await waitFor(
      async () =>
        (await a.server.cluster.directory?.workers())?.find((w) => w.id === 'a')?.activeSessions ===
        1,
      3000,
      "a's heartbeat to show the call",
    );

    const res = await fetch(`${a.url}/telephony/twilio/voice?graph=echo&token=parley-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA1&From=%2B15550001&To=%2B15550002',
    });
    const twiml = await res.text();
    const streamUrl = /<Stream url="([^"]+)"/.exec(twiml)?.[1];
    const ticket = /<Parameter name="ticket" value="([^"]+)"\/>/.exec(twiml)?.[1] ?? '';
    expect(streamUrl).toBe(`${b.wsUrl}/telephony/twilio/stream`);

    const wrongWorker = await TwilioCallSimulator.open(`${a.wsUrl}/telephony/twilio/stream`);
    wrongWorker.start({ graph: 'echo', ticket });
    await waitFor(() => wrongWorker.closed !== undefined, 3000, 'refusal on a');
    expect(wrongWorker.closed?.code).toBe(1008);

    const call = await TwilioCallSimulator.open(streamUrl as string);
    cleanups.push(() => call.close());
    call.start({ graph: 'echo', ticket });
    await waitFor(() => b.server.sessions.size === 1, 3000, 'the call on b');
    expect(b.server.sessions.list()[0]).toMatchObject({ transport: 'twilio-media-stream' });
  });

  it('answers a busy TwiML when every worker is full', async () => {
    const { a, b } = await pair();
    await b.server.drain(0);
    const held = await RawPipecatSocket.ready(`${a.wsUrl}/ws/pipecat?graph=echo`);
    cleanups.push(() => held.close());
    await waitFor(
      async () => (await a.server.cluster.directory?.workers())?.[0]?.activeSessions === 1,
      3000,
      "a's heartbeat to show the call",
    );
    expect((await a.server.cluster.directory?.workers())?.map((w) => w.id)).toEqual(['a']);
    const res = await fetch(`${a.url}/telephony/twilio/voice?graph=echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA2',
    });
    expect(await res.text()).toContain('<Reject reason="busy"/>');
    const connect = await a.api('POST', '/api/connect', {});
    expect(connect.status).toBe(503);
  });
});
