import type { Logger } from '#engine';
import type { ClusterContext } from '../cluster/ClusterContext.ts';
import type { GraphStorage } from './GraphStorage.ts';
import { GraphStore } from './GraphStore.ts';
import { RedisGraphStore } from './RedisGraphStore.ts';

/**
 * The graph store a server runs on: the graphs directory (the embedded default),
 * or in a cluster the shared store in Redis, filled from the directory once.
 */
export function createGraphStore(
  graphsDir: string,
  cluster: ClusterContext | undefined,
  logger: Logger,
): GraphStorage {
  if (!cluster) return new GraphStore(graphsDir, logger);
  return new RedisGraphStore({
    redis: cluster.redis,
    workerId: cluster.directory.selfId,
    seedDir: graphsDir,
    logger,
  });
}
