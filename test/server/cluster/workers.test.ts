/**
 * Three real worker processes on one real redis-server: load-aware dispatch, a worker
 * killed mid-call, a Redis restart under live calls, and a drain on SIGTERM.
 */

import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_KEY_PREFIX } from '../../../server/cluster/WorkerRegistry.ts';
import { REDIS_SERVER, type RedisServer, startRedisServer } from '../../helpers/redisServer.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { FIXTURE_GRAPHS, waitFor } from '../helpers/testServer.ts';
import { talk } from './helpers/talk.ts';
import { startWorker, type WorkerProcess } from './helpers/workerProcess.ts';

const HEARTBEAT_MS = 300;
/** The registry key's expiry: 3 heartbeats. */
const TTL_MS = 3 * HEARTBEAT_MS;

interface Call {
  worker: string;
  socket: RawPipecatSocket;
}

describe.skipIf(!existsSync(REDIS_SERVER))('a cluster of three worker processes on redis', () => {
  let redis: RedisServer;
  let dir: string;
  const workers = new Map<string, WorkerProcess>();
  const calls: Call[] = [];

  const worker = (id: string) => workers.get(id) as WorkerProcess;
  const post = async (id: string, route: string, body: unknown) => {
    const res = await fetch(worker(id).url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  const readyz = async (id: string) => {
    const res = await fetch(`${worker(id).url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const connect = async (via: string) => {
    const res = await post(via, '/api/connect', { transport: 'websocket' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { ...(res.body as { wsUrl: string }), worker: res.headers.get('x-parley-worker') ?? '' };
  };
  /** The test's own view of the registry (it reconnects by itself after the Redis restart). */
  let inspector: ReturnType<typeof createClient>;
  const registered = async () => {
    const keys: string[] = [];
    for await (const batch of inspector.scanIterator({ MATCH: `${WORKER_KEY_PREFIX}*` }))
      keys.push(...batch);
    return keys.map((k) => k.slice(WORKER_KEY_PREFIX.length)).sort();
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspector = createClient({ url: redis.url });
    inspector.on('error', () => {}); // the Redis restart below: it reconnects
    await inspector.connect();
    dir = await mkdtemp(path.join(tmpdir(), 'parley-cluster-'));
    await cp(FIXTURE_GRAPHS, dir, { recursive: true });
    const env = {
      REDIS_URL: redis.url,
      GRAPHS_DIR: dir,
      DEFAULT_GRAPH: 'echo',
      PARLEY_HEARTBEAT_MS: String(HEARTBEAT_MS),
      PARLEY_DRAIN_TIMEOUT_MS: '20000',
    };
    const started = await Promise.all(['w1', 'w2', 'w3'].map((id) => startWorker(id, env)));
    for (const w of started) workers.set(w.id, w);
    await waitFor(async () => (await registered()).length === 3, 5_000, 'three registered workers');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(calls.map((c) => c.socket.close().catch(() => {})));
    for (const w of workers.values()) w.kill('SIGKILL');
    await Promise.all([...workers.values()].map((w) => w.exited));
    await inspector?.close().catch(() => {});
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('spreads 60 calls asked of one worker across all three within ±20 %', async () => {
    for (let i = 0; i < 60; i++) {
      const answer = await connect('w1');
      expect(answer.wsUrl).toContain(new URL(worker(answer.worker).url).host);
      calls.push({ worker: answer.worker, socket: await RawPipecatSocket.ready(answer.wsUrl) });
    }
    for (const id of ['w1', 'w2', 'w3']) {
      const held = calls.filter((c) => c.worker === id).length;
      expect(held, `calls on ${id}`).toBeGreaterThanOrEqual(16);
      expect(held, `calls on ${id}`).toBeLessThanOrEqual(24);
      // The worker's own count agrees with where the client was sent.
      expect((await readyz(id)).body.sessions).toBe(held);
    }
    await talk(calls[0].socket);
  }, 60_000);

  it("lists every worker's calls from any worker, and a deploy through one reloads the calls on all three", async () => {
    const list = async (via: string) => {
      const res = await fetch(`${worker(via).url}/api/sessions`);
      return (await res.json()) as Array<{ id: string; worker: string; revision: string }>;
    };
    const fromW3 = await list('w3');
    expect(fromW3).toHaveLength(60);
    for (const id of ['w1', 'w2', 'w3'])
      expect(fromW3.filter((s) => s.worker === id).length).toBe(
        calls.filter((c) => c.worker === id).length,
      );

    const current = (await (await fetch(`${worker('w1').url}/api/graphs/echo`)).json()) as {
      graph: { nodes: Array<{ id: string; config: Record<string, unknown> }> };
      revision: string;
    };
    current.graph.nodes.find((n) => n.id === 'bot')!.config.prefix = 'deployed';
    const put = await fetch(`${worker('w1').url}/api/graphs/echo`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ graph: current.graph, revision: current.revision }),
    });
    expect(put.status).toBe(200);
    const { revision } = (await put.json()) as { revision: string };
    await waitFor(
      async () => (await list('w2')).every((s) => s.revision === revision),
      10_000,
      'every call on every worker to run the deployed revision',
    );
    expect(calls.filter((c) => c.socket.closed)).toEqual([]);
  }, 30_000);

  it('keeps every call going through a Redis restart, and takes new calls locally meanwhile', async () => {
    await redis.stop({ crash: true });
    await waitFor(
      async () => (await readyz('w1')).body.redis === 'down',
      8_000,
      'w1 to see redis down',
    );
    const during = await readyz('w1');
    expect(during.status, 'redis down does not make a worker unready').toBe(200);
    const local = await connect('w1');
    expect(local.worker, 'redis down: the call stays where it was asked').toBe('w1');
    const extra = await RawPipecatSocket.ready(local.wsUrl);
    await talk(extra);
    await extra.close();
    // Calls on every worker still talk.
    for (const id of ['w1', 'w2', 'w3']) await talk(calls.find((c) => c.worker === id)!.socket);

    await redis.start();
    await waitFor(async () => (await registered()).length === 3, 8_000, 'workers to re-register');
    expect(calls.filter((c) => c.socket.closed)).toEqual([]);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) seen.add((await connect('w1')).worker);
    expect([...seen].sort(), 'dispatch spreads again').toEqual(['w1', 'w2', 'w3']);
  }, 60_000);

  it('ends only the calls of a worker killed with SIGKILL; dispatch stops using it within the heartbeat window', async () => {
    worker('w3').kill('SIGKILL');
    const killedAt = Date.now();
    await worker('w3').exited;
    const onW3 = calls.filter((c) => c.worker === 'w3');
    await waitFor(async () => onW3.every((c) => c.socket.closed), 5_000, "w3's calls to end");
    await waitFor(
      async () => !(await registered()).includes('w3'),
      TTL_MS + 2_000,
      'w3 to leave the registry',
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual(TTL_MS + 1_000);
    for (let i = 0; i < 10; i++) expect((await connect('w1')).worker).not.toBe('w3');
    const others = calls.filter((c) => c.worker !== 'w3');
    expect(
      others.filter((c) => c.socket.closed),
      'no other call noticed',
    ).toEqual([]);
    await talk(others[0].socket);
    await talk(others.at(-1)!.socket);
  }, 30_000);

  it('drains on SIGTERM: unready at once, no new calls, live calls finish, then it deregisters and exits 0', async () => {
    const w2 = worker('w2');
    w2.kill('SIGTERM');
    await waitFor(async () => (await readyz('w2')).status === 503, 3_000, 'w2 unready');
    expect((await readyz('w2')).body.draining).toBe(true);
    for (let i = 0; i < 10; i++) expect((await connect('w1')).worker).toBe('w1');
    const refused = await RawPipecatSocket.open(
      `${w2.url.replace(/^http/, 'ws')}/ws/pipecat?graph=echo`,
    ).then(
      (s) => s.close().then(() => 'accepted'),
      (error: Error) => error.message,
    );
    expect(refused).toBe('HTTP 503');
    const onW2 = calls.filter((c) => c.worker === 'w2');
    await talk(onW2[0].socket);
    expect(w2.child.exitCode, 'still serving its live calls').toBeNull();
    await Promise.all(onW2.map((c) => c.socket.close()));
    expect(await w2.exited).toBe(0);
    expect(await registered()).toEqual(['w1']);
    expect(w2.log.some((line) => line.includes('drain timed out'))).toBe(false);
  }, 30_000);
});
