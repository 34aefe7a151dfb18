import { createHash } from 'node:crypto';
import { GRAPH_LIMITS, GraphVersionError, migrateGraph } from '#engine';
import { nestsDeeperThan } from '../net/jsonDepth.ts';
import type { StoredGraph } from './GraphStorage.ts';
import { GraphFileError } from './StoreErrors.ts';

/**
 * How a graph document is kept as text, shared by every store (files, Redis):
 * the same bytes give the same revision wherever they are stored, so a graph
 * seeded from disk into the cluster keeps the revision it had on disk.
 */

/** A revision is the hash of the stored bytes: an edit on disk is a new revision without any sidecar. */
export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A stored graph's JSON, in the current document format: one saved by an
 * older Parley is migrated as it is read (the stored text itself is rewritten
 * only by the next save, so its revision stays the hash of what is stored). A
 * text nested deeper than any graph may be (edited by hand, or by another
 * program) is refused like broken JSON: answering it would overflow
 * JSON.stringify's stack. So is one from a newer Parley, naming its version.
 */
export function parseGraphText(name: string, revision: string, text: string): unknown {
  let graph: unknown;
  try {
    graph = JSON.parse(text) as unknown;
  } catch (error) {
    throw new GraphFileError(
      name,
      revision,
      `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (nestsDeeperThan(graph, GRAPH_LIMITS.maxDepth))
    throw new GraphFileError(
      name,
      revision,
      `nests deeper than ${GRAPH_LIMITS.maxDepth} levels, the limit for a graph document`,
    );
  try {
    return migrateGraph(graph);
  } catch (error) {
    if (!(error instanceof GraphVersionError)) throw error;
    throw new GraphFileError(name, revision, `cannot be read: ${error.message}`);
  }
}

/** Saved in the current format, whatever format the client sent. */
export function serialiseGraph(graph: unknown): string {
  return `${JSON.stringify(migrateGraph(graph), null, 2)}\n`;
}

/** Every store keeps this many versions of a graph, newest first. */
export const MAX_VERSIONS = 50;

/** A graph as its stored bytes: what a store imports, keeps or caches. */
export interface GraphText {
  name: string;
  revision: string;
  text: string;
  updatedAtMs: number;
}

/** Throws GraphFileError when the text is not a readable graph. */
export function storedGraphOf(g: GraphText): StoredGraph {
  return {
    name: g.name,
    revision: g.revision,
    graph: parseGraphText(g.name, g.revision, g.text),
    updatedAt: new Date(g.updatedAtMs).toISOString(),
  };
}
