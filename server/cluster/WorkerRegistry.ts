/**
 * Registers this process as a cluster worker: a heartbeat writes its `WorkerInfo` to
 * Redis under a key that expires, so a worker that dies (SIGKILL, lost host) drops out
 * of dispatch within `ttlMs` without anyone cleaning up after it. A clean stop deletes
 * the key at once.
 */
import type { Logger } from '#engine';
import type { RedisConnection } from './redisConnection.ts';
import type { WorkerDirectory, WorkerInfo } from './WorkerInfo.ts';
import { WorkerLoad } from './workerLoad.ts';

export const WORKER_KEY_PREFIX = 'parley:worker:';

export interface WorkerRegistryOptions {
  redis: RedisConnection;
  id: string;
  /** Where clients and other workers reach this worker (known once the server listens). */
  url: () => string;
  capacity: number;
  activeSessions: () => number;
  logger: Logger;
  heartbeatMs?: number;
  /** Key expiry; a dead worker vanishes from dispatch within this. Default 3 × heartbeat. */
  ttlMs?: number;
}

export class WorkerRegistry implements WorkerDirectory {
  readonly selfId: string;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly load = new WorkerLoad();
  private readonly startedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private last: WorkerInfo | undefined;

  constructor(private readonly options: WorkerRegistryOptions) {
    this.selfId = options.id;
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.ttlMs = options.ttlMs ?? 3 * this.heartbeatMs;
  }

  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** This worker now (load as of the last heartbeat): what dispatch uses when Redis is down. */
  get self(): WorkerInfo {
    const last = this.last ?? this.snapshot();
    return { ...last, activeSessions: this.options.activeSessions(), draining: this.draining };
  }

  /** From now on dispatch passes this worker over; announced at once, not at the next beat. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.beat();
  }

  async workers(): Promise<WorkerInfo[]> {
    const client = this.options.redis.client;
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${WORKER_KEY_PREFIX}*`, COUNT: 200 }))
      keys.push(...batch);
    if (keys.length === 0) return [];
    const values = await client.mGet(keys);
    return values.flatMap((raw) => {
      const info = raw ? parseWorkerInfo(raw) : undefined;
      return info ? [info] : [];
    });
  }

  /** Deregisters (the key goes at once) and stops beating. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.load.stop();
    if (!this.options.redis.up) return;
    await this.options.redis.client
      .del(WORKER_KEY_PREFIX + this.selfId)
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'could not deregister from redis'),
      );
  }

  private snapshot(): WorkerInfo {
    return {
      id: this.selfId,
      url: this.options.url(),
      capacity: this.options.capacity,
      activeSessions: this.options.activeSessions(),
      ...this.load.sample(),
      draining: this.draining,
      startedAt: this.startedAt,
      heartbeatAt: new Date().toISOString(),
    };
  }

  private async beat(): Promise<void> {
    this.last = this.snapshot();
    // While Redis is down the beat is skipped; the first one after it returns re-registers.
    if (!this.options.redis.up) return;
    try {
      await this.options.redis.client.set(
        WORKER_KEY_PREFIX + this.selfId,
        JSON.stringify(this.last),
        { expiration: { type: 'PX', value: this.ttlMs } },
      );
    } catch (error) {
      this.options.logger.debug({ err: error }, 'heartbeat not written');
    }
  }
}

/** Anything in the registry is another process's writing: checked before it is trusted. */
function parseWorkerInfo(raw: string): WorkerInfo | undefined {
  try {
    const value = JSON.parse(raw) as Partial<WorkerInfo>;
    if (
      typeof value.id !== 'string' ||
      typeof value.url !== 'string' ||
      typeof value.capacity !== 'number' ||
      typeof value.activeSessions !== 'number'
    )
      return undefined;
    return value as WorkerInfo;
  } catch {
    return undefined;
  }
}
