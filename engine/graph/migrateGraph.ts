/**
 * Upgrades saved graph documents to the format this engine reads. Browser-safe
 * and pure. Every way a document enters (the server's store, REST bodies, the
 * CLI, the editor's import, `validateGraph`) goes through here, so a graph
 * saved by an older Parley keeps loading after a format change.
 *
 * To change the format: bump GRAPH_VERSION, add a step to MIGRATIONS (one
 * file in migrations/), and add a fixture of the old format to the tests.
 */
import { GRAPH_VERSION } from './GraphDocument.ts';
import { type GraphMigration, isJsonObject } from './migrations/GraphMigration.ts';
import { vadSecondsToMs } from './migrations/vadSecondsToMs.ts';

/** Step `i` upgrades version `i + 1` to `i + 2`. */
export const MIGRATIONS: readonly GraphMigration[] = [vadSecondsToMs];

/** A document written by a newer Parley: its format cannot be read, only guessed at. */
export class GraphVersionError extends Error {
  constructor(readonly version: number) {
    super(
      `graph document version ${version} is newer than this Parley reads ` +
        `(versions 1 to ${GRAPH_VERSION}); open it with a newer Parley`,
    );
    this.name = 'GraphVersionError';
  }
}

/**
 * The document in the current format (GRAPH_VERSION). A current document is
 * returned as it is, so migrating twice changes nothing. What is not a
 * document of a known older version (no object, no integer `version`, a
 * version below 1) is returned as it is too, for validation to report.
 * Throws GraphVersionError for a version newer than GRAPH_VERSION.
 */
export function migrateGraph(document: unknown): unknown {
  if (!isJsonObject(document)) return document;
  const { version } = document;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return document;
  if (version > GRAPH_VERSION) throw new GraphVersionError(version);
  let upgraded = document;
  for (let from = version; from < GRAPH_VERSION; from++) {
    // `version` keeps its place among the keys: a saved document stays diffable.
    upgraded = { ...MIGRATIONS[from - 1].upgrade(upgraded), version: from + 1 };
  }
  return upgraded;
}
