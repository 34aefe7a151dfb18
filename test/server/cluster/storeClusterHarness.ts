/**
 * Several real Parley servers in this process sharing one real `redis-server`: each
 * with its own Redis connection (the cluster's `connectRedis`) and a test-only worker
 * directory listing the servers the test started — the registry's contract without
 * its heartbeat, so these tests exercise the shared store, sessions API and live view
 * alone.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { connectRedis, type RedisConnection } from '../../../server/cluster/redisConnection.ts';
import type { WorkerDirectory, WorkerInfo } from '../../../server/cluster/WorkerInfo.ts';
import type { ServerOptions } from '../../../server/createServer.ts';
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.ts';
import { FIXTURE_GRAPHS, startTestServer, type TestServer } from '../helpers/testServer.ts';

export interface ClusterWorker extends TestServer {
  id: string;
  redis: RedisConnection;
}

export interface TestCluster {
  redis: RedisServer;
  workers: ClusterWorker[];
  /** What every directory lists: add a worker that is not one of ours (a dead address, a hung one). */
  listed: WorkerInfo[];
  /** A plain client for the test's own look at Redis. */
  admin: RedisConnection;
  close(): Promise<void>;
}

/** Lists the workers the test put in `listed`, as a registry would. */
class ListedWorkers implements WorkerDirectory {
  constructor(
    readonly selfId: string,
    private readonly listed: WorkerInfo[],
  ) {}

  async workers(): Promise<WorkerInfo[]> {
    return [...this.listed];
  }
}

export function workerInfo(id: string, url: string): WorkerInfo {
  const now = new Date().toISOString();
  return {
    id,
    url,
    capacity: 100,
    activeSessions: 0,
    eventLoopLagMs: 0,
    cpu: 0,
    draining: false,
    startedAt: now,
    heartbeatAt: now,
  };
}

export interface ClusterOptions {
  /** Workers are named A, B, C … */
  workers: number;
  /** Runs on each worker's graphs directory before it starts (to tell the seeds apart). */
  prepareDir?: (dir: string, id: string) => Promise<void>;
  /** The cluster's shared PARLEY_TOKEN; each worker's `api` sends it. */
  token?: string;
  overrides?: Partial<ServerOptions>;
}

/** Starts Redis, then the workers all at once (as a fleet would). */
export async function startTestCluster(options: ClusterOptions): Promise<TestCluster> {
  const redis = await startRedisServer();
  const admin = connectRedis(redis.url, silentLogger);
  await admin.ready(5_000);
  const listed: WorkerInfo[] = [];
  const ids = Array.from({ length: options.workers }, (_, i) => String.fromCharCode(65 + i));
  const workers = await Promise.all(ids.map((id) => startWorker(id, redis.url, listed, options)));
  return {
    redis,
    workers,
    listed,
    admin,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await admin.close();
      await redis.close();
    },
  };
}

/**
 * One worker on its own Redis connection, listed in `listed` once it listens. Does not
 * wait for Redis: a worker may start while Redis is down (`waitForRedis: false`).
 */
export async function startWorker(
  id: string,
  redisUrl: string,
  listed: WorkerInfo[],
  options: Omit<ClusterOptions, 'workers'> & { waitForRedis?: boolean } = {},
): Promise<ClusterWorker> {
  const connection = connectRedis(redisUrl, silentLogger);
  if (options.waitForRedis !== false) await connection.ready(5_000);
  // The graphs this worker would seed the store with if it came first.
  const graphsDir = await mkdtemp(path.join(tmpdir(), `parley-cluster-${id}-`));
  await cp(FIXTURE_GRAPHS, graphsDir, { recursive: true });
  await options.prepareDir?.(graphsDir, id);
  const server = await startTestServer({
    liveIntervalMs: 100,
    graphsDir,
    clusterContext: { redis: connection.client, directory: new ListedWorkers(id, listed) },
    token: options.token,
    ...options.overrides,
  });
  const auth: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};
  listed.push(workerInfo(id, server.url));
  return {
    ...server,
    api: (method, route, body, headers = {}) =>
      server.api(method, route, body, { ...auth, ...headers }),
    dir: graphsDir,
    id,
    redis: connection,
    async close() {
      await server.close();
      await connection.close();
      await rm(graphsDir, { recursive: true, force: true });
    },
  };
}

/** Gives a graph file in `dir` a description of its own, so each directory seeds a different revision. */
export async function markGraph(dir: string, name: string, mark: string): Promise<void> {
  const file = path.join(dir, `${name}.json`);
  const graph = JSON.parse(await readFile(file, 'utf8')) as { description?: string };
  graph.description = mark;
  await writeFile(file, `${JSON.stringify(graph, null, 2)}\n`);
}
