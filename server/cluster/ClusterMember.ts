/**
 * This process's place in a Parley cluster. With `REDIS_URL` it connects to Redis,
 * registers as a worker once it listens, and dispatches calls across the registry;
 * without it (the embedded default) it is a cluster of one and every call stays here.
 * Either way it owns the draining flag the entry points and probes read.
 */
import { hostname } from 'node:os';
import type { Logger } from '#engine';
import type { ReadinessState } from '../http/healthRoutes.ts';
import { type CallDispatch, localDispatch } from './CallDispatch.ts';
import { Dispatcher } from './Dispatcher.ts';
import { connectRedis, type RedisConnection } from './redisConnection.ts';
import type { WorkerDirectory, WorkerInfo } from './WorkerInfo.ts';
import { WorkerRegistry } from './WorkerRegistry.ts';

export interface ClusterSettings {
  /** REDIS_URL: unset → embedded, no cluster. */
  redisUrl?: string;
  /** PARLEY_WORKER_ID; default `host-pid`. */
  workerId: string;
  /** PARLEY_WORKER_CAPACITY: sessions this worker takes before dispatch passes it over. */
  capacity: number;
  /** PARLEY_ADVERTISE_URL: how clients and other workers reach this one; default the listen URL. */
  advertiseUrl?: string;
  /** PARLEY_HEARTBEAT_MS (default 1000); a dead worker leaves dispatch within 3 heartbeats. */
  heartbeatMs?: number;
}

/** About what one core holds of cloud-cascade conversations. */
export const DEFAULT_WORKER_CAPACITY = 100;

export function clusterSettingsFromEnv(env: Record<string, string | undefined>): ClusterSettings {
  const capacity = env.PARLEY_WORKER_CAPACITY;
  const parsed = capacity === undefined ? DEFAULT_WORKER_CAPACITY : Number(capacity);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`PARLEY_WORKER_CAPACITY must be a positive integer, got "${capacity}"`);
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    throw new Error('REDIS_URL must start with redis:// or rediss://');
  const advertiseUrl = env.PARLEY_ADVERTISE_URL?.trim() || undefined;
  if (advertiseUrl && !/^https?:\/\//.test(advertiseUrl))
    throw new Error('PARLEY_ADVERTISE_URL must start with http:// or https://');
  const heartbeat = env.PARLEY_HEARTBEAT_MS;
  const heartbeatMs = heartbeat === undefined ? undefined : Number(heartbeat);
  if (heartbeatMs !== undefined && !(Number.isInteger(heartbeatMs) && heartbeatMs >= 100))
    throw new Error(`PARLEY_HEARTBEAT_MS must be an integer ≥ 100, got "${heartbeat}"`);
  return {
    redisUrl,
    heartbeatMs,
    workerId: env.PARLEY_WORKER_ID?.trim() || `${hostname()}-${process.pid}`,
    capacity: parsed,
    advertiseUrl,
  };
}

export class ClusterMember {
  readonly redis: RedisConnection | undefined;
  readonly dispatch: CallDispatch;
  private readonly registry: WorkerRegistry | undefined;
  private url = '';
  private draining = false;

  constructor(
    private readonly settings: ClusterSettings,
    private readonly activeSessions: () => number,
    logger: Logger,
  ) {
    if (!settings.redisUrl) {
      this.dispatch = localDispatch(() => this.selfInfo());
      return;
    }
    this.redis = connectRedis(settings.redisUrl, logger);
    this.registry = new WorkerRegistry({
      redis: this.redis,
      id: settings.workerId,
      url: () => this.url,
      capacity: settings.capacity,
      activeSessions,
      logger,
      heartbeatMs: settings.heartbeatMs,
    });
    this.dispatch = new Dispatcher(this.registry, this.redis, logger);
  }

  get id(): string {
    return this.settings.workerId;
  }

  get capacity(): number {
    return this.settings.capacity;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The registry other parts read (sessions across workers); undefined when embedded. */
  get directory(): WorkerDirectory | undefined {
    return this.registry;
  }

  /** Called once the server listens: from now on this worker is in dispatch. */
  start(listenUrl: string): void {
    this.url = this.settings.advertiseUrl ?? listenUrl;
    this.registry?.start();
  }

  /** Stop taking new calls; the registry says so at once so dispatch passes this worker over. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.registry?.drain();
  }

  async stop(): Promise<void> {
    await this.registry?.stop();
    await this.redis?.close();
  }

  readiness(started: boolean): ReadinessState {
    return {
      started,
      draining: this.draining,
      sessions: this.activeSessions(),
      redis: !this.redis ? 'off' : this.redis.up ? 'up' : 'down',
      ...(this.redis && !this.redis.up && this.redis.lastError
        ? { redisError: this.redis.lastError }
        : {}),
      worker: this.id,
    };
  }

  private selfInfo(): WorkerInfo {
    const now = new Date().toISOString();
    return {
      id: this.id,
      url: this.url,
      capacity: this.settings.capacity,
      activeSessions: this.activeSessions(),
      eventLoopLagMs: 0,
      cpu: 0,
      draining: this.draining,
      startedAt: now,
      heartbeatAt: now,
    };
  }
}
