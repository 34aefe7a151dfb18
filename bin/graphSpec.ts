/**
 * What `--graph` names on the command line, for `parley replay` and `parley eval`:
 * a graph file (a path, relative to `base`; migrated like a stored graph), or
 * `NAME[@REVISION]` from the graph store in `graphsDir` (an old revision from its
 * version history).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrateGraph } from '#engine';
import { GraphStore } from '../server/store/GraphStore.ts';

export interface GraphFromSpec {
  document: unknown;
  name: string;
  /** The stored revision, or `file` for a graph file. */
  revision: string;
}

/** Bad `--graph`: the message names the spec and what is wrong with it. */
export class GraphSpecError extends Error {}

export function isGraphFileSpec(spec: string): boolean {
  return spec.endsWith('.json') || spec.includes('/') || spec.includes(path.sep);
}

export async function loadGraphSpec(
  spec: string,
  graphsDir: string,
  base = '.',
): Promise<GraphFromSpec> {
  return isGraphFileSpec(spec) ? readGraphFile(spec, base) : storedGraph(spec, graphsDir);
}

async function readGraphFile(spec: string, base: string): Promise<GraphFromSpec> {
  const file = path.resolve(base, spec);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new GraphSpecError(`graph ${spec}: cannot be read (${error.message})`);
  });
  try {
    return {
      document: migrateGraph(JSON.parse(text)),
      name: path.basename(file, '.json'),
      revision: 'file',
    };
  } catch (error) {
    throw new GraphSpecError(`graph ${spec}: ${(error as Error).message}`);
  }
}

async function storedGraph(spec: string, graphsDir: string): Promise<GraphFromSpec> {
  const [name, revision] = spec.split('@');
  const store = new GraphStore(graphsDir);
  const current = await store.get(name).catch((error: Error) => {
    throw new GraphSpecError(`graph ${spec}: ${error.message}`);
  });
  if (!current) throw new GraphSpecError(`graph ${spec}: no graph '${name}' in ${graphsDir}`);
  if (!revision || revision === current.revision)
    return { document: current.graph, name, revision: current.revision };
  const document = await store.version(name, revision).catch((error: Error) => {
    throw new GraphSpecError(`graph ${spec}: ${error.message}`);
  });
  return { document, name, revision };
}
