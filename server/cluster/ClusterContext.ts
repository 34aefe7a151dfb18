/**
 * What the cluster's shared parts (graph store, sessions API, live view) need of
 * the cluster: this worker's Redis client and the registry of live workers.
 */
import type { RedisClient } from './redisConnection.ts';
import type { WorkerDirectory } from './WorkerInfo.ts';

export interface ClusterContext {
  redis: RedisClient;
  directory: WorkerDirectory;
}

/** The context of a cluster member that has Redis (REDIS_URL); undefined for the embedded default. */
export function clusterContextOf(member: {
  redis?: { client: RedisClient };
  directory?: WorkerDirectory;
}): ClusterContext | undefined {
  if (!member.redis || !member.directory) return undefined;
  return { redis: member.redis.client, directory: member.directory };
}
