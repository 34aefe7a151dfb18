/**
 * Chooses the worker a new call goes to: the least loaded of the live, non-draining
 * workers under their capacity. Heartbeats are a second old, so a burst of calls would
 * all see the same counts and land on one worker; each dispatch is therefore also
 * written to a short-lived per-worker tally that counts as load until the next
 * heartbeats have caught up.
 *
 * When Redis cannot be reached the cluster is unknown: the call stays on this process
 * (if it has room and is not draining), so an outage never stops new calls.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '#engine';
import { atCapacity, type CallDispatch, chooseSelf, type DispatchResult } from './CallDispatch.ts';
import type { RedisConnection } from './redisConnection.ts';
import type { WorkerInfo } from './WorkerInfo.ts';
import type { WorkerRegistry } from './WorkerRegistry.ts';

const PENDING_PREFIX = 'parley:dispatched:';
/** How long a dispatched call counts as load before the worker's own heartbeat has it. */
const PENDING_WINDOW_MS = 2_500;

export class Dispatcher implements CallDispatch {
  constructor(
    private readonly registry: WorkerRegistry,
    private readonly redis: RedisConnection,
    private readonly logger: Logger,
  ) {}

  get selfId(): string {
    return this.registry.selfId;
  }

  async choose(): Promise<DispatchResult> {
    if (!this.redis.up) return chooseSelf(this.registry.self);
    let workers: WorkerInfo[];
    let pending: number[];
    try {
      workers = (await this.registry.workers()).filter((w) => !w.draining);
      pending = await Promise.all(workers.map((w) => this.pendingFor(w.id)));
    } catch (error) {
      this.logger.warn({ err: error }, 'dispatch could not read the registry; keeping the call');
      return chooseSelf(this.registry.self);
    }
    let best: { worker: WorkerInfo; load: number } | undefined;
    workers.forEach((worker, i) => {
      const sessions = worker.activeSessions + pending[i];
      if (sessions >= worker.capacity) return;
      const load = sessions / worker.capacity;
      // Ties go to a random worker, so equal workers share a burst instead of the first one taking it.
      if (!best || load < best.load || (load === best.load && Math.random() < 0.5))
        best = { worker, load };
    });
    if (!best) return atCapacity(workers.length);
    await this.tally(best.worker.id);
    return { ok: true, worker: best.worker, fallback: false };
  }

  private async pendingFor(id: string): Promise<number> {
    const key = PENDING_PREFIX + id;
    const since = Date.now() - PENDING_WINDOW_MS;
    await this.redis.client.zRemRangeByScore(key, 0, since);
    return this.redis.client.zCard(key);
  }

  private async tally(id: string): Promise<void> {
    const key = PENDING_PREFIX + id;
    try {
      await this.redis.client
        .multi()
        .zAdd(key, { score: Date.now(), value: randomUUID() })
        .pExpire(key, PENDING_WINDOW_MS * 2)
        .exec();
    } catch (error) {
      this.logger.debug({ err: error }, 'dispatch tally not written');
    }
  }
}
