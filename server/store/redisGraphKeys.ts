/**
 * Where the cluster's graph store lives in Redis (prefix `parley` by default):
 *
 * - `parley:graphs`                            HASH  name → current revision (the list of graphs)
 * - `parley:graph:NAME`                        HASH  revision, text (the exact bytes), updatedAtMs
 * - `parley:graph:NAME:versions`               ZSET  revision, scored by when it was last saved (ms)
 * - `parley:graph:NAME:version-texts`          HASH  revision → text, for the versions in the ZSET
 * - `parley:graphs:seeded`                     STRING set when the store was first filled
 * - channel `parley:graph-changes`             JSON `{ name, revision?, worker }` per write
 *                                              (no revision: the graph was deleted)
 *
 * Every key a script touches is passed to it in KEYS.
 */
import type { GraphText } from './graphText.ts';

export interface RedisGraphKeys {
  index: string;
  seeded: string;
  channel: string;
  graph(name: string): string;
  versions(name: string): string;
  versionTexts(name: string): string;
}

export function redisGraphKeys(prefix = 'parley'): RedisGraphKeys {
  return {
    index: `${prefix}:graphs`,
    seeded: `${prefix}:graphs:seeded`,
    channel: `${prefix}:graph-changes`,
    graph: (name) => `${prefix}:graph:${name}`,
    versions: (name) => `${prefix}:graph:${name}:versions`,
    versionTexts: (name) => `${prefix}:graph:${name}:version-texts`,
  };
}

/** What a write publishes on `channel`. */
export interface GraphChangeMessage {
  name: string;
  /** Absent when the graph was deleted. */
  revision?: string;
  /** The worker that wrote it: it has announced the change itself. */
  worker: string;
}

/** A graph's hash (`graph(name)`), or undefined when it has none (deleted, never saved). */
export function graphTextFromHash(
  name: string,
  hash: Record<string, unknown>,
): GraphText | undefined {
  const { revision, text, updatedAtMs } = hash as Record<string, string | undefined>;
  if (typeof revision !== 'string' || typeof text !== 'string') return undefined;
  return { name, revision, text, updatedAtMs: Number(updatedAtMs) || 0 };
}
