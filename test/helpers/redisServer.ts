/**
 * A real `redis-server` (Debian package) for a test: on a free port, in a temp directory,
 * started by the test and stopped by it. `start()` after `stop()` keeps the port, so
 * clients that reconnect find it again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  freePort,
  type RedisProcess,
  startRedisProcess,
} from '../../server/process/redisProcess.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGKILL when `crash`), leaving the port to be reused by `start()`. */
  stop(options?: { crash?: boolean }): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-redis-'));
  const port = await freePort();
  let running: RedisProcess | undefined;
  const start = async () => {
    running = await startRedisProcess(port, dir, REDIS_SERVER);
  };
  const stop = async (options: { crash?: boolean } = {}) => {
    await running?.stop(options);
    running = undefined;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop({ crash: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
