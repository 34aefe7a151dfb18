import type { GraphSummary, GraphVersion } from '../api/restTypes.ts';

export interface StoredGraph {
  name: string;
  revision: string;
  graph: unknown;
  updatedAt: string;
}

export interface GraphChange {
  name: string;
  /** undefined when the graph was deleted. */
  stored?: StoredGraph;
  /**
   * `api`: saved through this process's store, by a caller that reloads its own
   * live sessions and reports how that went. `disk`: a file edited by hand.
   * `remote`: saved by another worker of the cluster (or found changed after a
   * lost connection to the shared store). Live sessions are reloaded for
   * everything but `api`.
   */
  source: 'api' | 'disk' | 'remote';
}

export interface GraphStoreEvents {
  change: [GraphChange];
}

/**
 * What every graph store offers the server: the files of one process
 * (`GraphStore`, the embedded default) or the cluster's shared store in Redis
 * (`RedisGraphStore`). Both answer with the same values and throw the same
 * errors (StoreErrors.ts; StoreUnavailableError when a shared store cannot be
 * reached for a write), and announce every change with a `change` event.
 */
export interface GraphStorage {
  init(): Promise<void>;
  list(): Promise<GraphSummary[]>;
  /** Undefined when missing; throws GraphFileError when the stored text is not a readable graph. */
  get(name: string): Promise<StoredGraph | undefined>;
  /** Throws GraphExistsError. */
  create(name: string, graph: unknown): Promise<StoredGraph>;
  /** Replaces a graph if `expectedRevision` is still current; throws StaleRevisionError, GraphNotFoundError. */
  update(name: string, graph: unknown, expectedRevision: string): Promise<StoredGraph>;
  /** Versions are kept, so a deleted graph can be restored. */
  remove(name: string): Promise<void>;
  /** Newest first. */
  versions(name: string): Promise<GraphVersion[]>;
  version(name: string, revision: string): Promise<unknown>;
  /** Makes an old version current again, keeping its revision. */
  restore(name: string, revision: string): Promise<StoredGraph>;
  /** Starts picking up changes made outside this process's API (a no-op where the store has no such source). */
  watch(): void;
  close(): void;
  on(event: 'change', listener: (change: GraphChange) => void): this;
  off(event: 'change', listener: (change: GraphChange) => void): this;
}
