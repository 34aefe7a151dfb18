import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrateGraph, type Recording } from '#engine';
import { GraphStore } from '../server/store/GraphStore.ts';

export interface ReplayGraph {
  document: unknown;
  name: string;
  revision: string;
}

/**
 * The graph a replay runs: `undefined` → the one the recording ran (its own
 * copy, so the recorded revision even if the store has moved on); a path to a
 * .json file; or `NAME[@REVISION]` from the graph store in `graphsDir`.
 */
export async function resolveReplayGraph(
  spec: string | undefined,
  recording: Recording,
  graphsDir: string,
): Promise<ReplayGraph> {
  if (spec === undefined) {
    const { document, name, revision } = recording.meta.graph;
    return { document, name, revision };
  }
  if (spec.endsWith('.json') || spec.includes('/') || spec.includes(path.sep)) {
    const text = await readFile(spec, 'utf8').catch((error: Error) => {
      throw new Error(`--graph ${spec}: cannot be read (${error.message})`);
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`--graph ${spec}: not JSON (${(error as Error).message})`);
    }
    return { document: migrateGraph(json), name: path.basename(spec, '.json'), revision: 'file' };
  }
  const [name, revision] = spec.split('@');
  const store = new GraphStore(graphsDir);
  const current = await store.get(name);
  if (!current) throw new Error(`--graph ${spec}: no graph '${name}' in ${graphsDir}`);
  if (!revision || revision === current.revision)
    return { document: current.graph, name, revision: current.revision };
  // GraphNotFoundError names the revision when it was never saved.
  return { document: await store.version(name, revision), name, revision };
}
