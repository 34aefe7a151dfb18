/**
 * `parley cluster --workers N`: a Parley cluster on one host, for a machine with more cores
 * than one process keeps busy (one keeps about one core busy at its limit, event loop,
 * GC helpers and VAD thread together: docs/cluster.md). It starts a private `redis-server` (Debian package) unless REDIS_URL names one,
 * then N worker processes (`server/main.ts`) on PORT, PORT+1, …; worker 0's port is the
 * front door (editor, API, `/api/connect`, the Twilio webhook), which dispatches calls
 * across all of them.
 *
 * A worker that crashes is started again (at most once per 5 s each). SIGTERM drains every
 * worker (their own drain), SIGINT stops them; then the private Redis stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startRedisProcess } from './redisProcess.ts';

export interface LocalClusterOptions {
  workers: number;
  /** Worker i listens on basePort + i. */
  basePort: number;
  host: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  redisServer?: string;
}

const MAIN = path.resolve(import.meta.dirname, '../main.ts');
const RESTART_AFTER_MS = 5_000;

export async function runLocalCluster(options: LocalClusterOptions): Promise<number> {
  const redis = options.env.REDIS_URL ? undefined : await startPrivateRedis(options);
  const redisUrl = options.env.REDIS_URL ?? redis?.url ?? '';
  let stopping = false;
  const workers = new Map<number, ChildProcess>();
  const exits: Array<Promise<void>> = [];

  const start = (index: number) => {
    const port = options.basePort + index;
    const child = spawn(process.execPath, [...process.execArgv, MAIN], {
      env: {
        ...options.env,
        REDIS_URL: redisUrl,
        PORT: String(port),
        HOST: options.host,
        PARLEY_WORKER_ID: options.env.PARLEY_WORKER_ID
          ? `${options.env.PARLEY_WORKER_ID}-${index}`
          : `${hostname()}-w${index}`,
      },
      stdio: 'inherit',
    });
    const startedAt = Date.now();
    workers.set(index, child);
    exits.push(
      new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          workers.delete(index);
          if (!stopping) {
            options.log(`worker ${index} exited (${signal ?? code}); starting it again`);
            const wait = Math.max(0, RESTART_AFTER_MS - (Date.now() - startedAt));
            setTimeout(() => !stopping && start(index), wait);
          }
          resolve();
        }),
      ),
    );
  };

  for (let i = 0; i < options.workers; i++) start(i);
  options.log(
    `Parley cluster: ${options.workers} workers on ports ${options.basePort}–${options.basePort + options.workers - 1}` +
      `, redis ${redis ? `(private) ${redis.url}` : 'from REDIS_URL'}; front door http://${options.host}:${options.basePort}`,
  );

  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        stopping = true;
        options.log(`${signal}: ${signal === 'SIGTERM' ? 'draining' : 'stopping'} the workers`);
        for (const child of workers.values()) child.kill(signal);
        resolve();
      });
  });
  await Promise.all(exits);
  await redis?.stop();
  return 0;
}

async function startPrivateRedis(
  options: LocalClusterOptions,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-cluster-redis-'));
  const port = await freePort();
  const redis = await startRedisProcess(port, dir, options.redisServer);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
