import type { Recording } from '#engine';
import { type GraphFromSpec, loadGraphSpec } from './graphSpec.ts';

/**
 * The graph a replay runs: `undefined` → the one the recording ran (its own
 * copy, so the recorded revision even if the store has moved on); else what
 * `--graph` names (a .json file, or `NAME[@REVISION]` from the graph store).
 */
export async function resolveReplayGraph(
  spec: string | undefined,
  recording: Recording,
  graphsDir: string,
): Promise<GraphFromSpec> {
  if (spec === undefined) {
    const { document, name, revision } = recording.meta.graph;
    return { document, name, revision };
  }
  return loadGraphSpec(spec, graphsDir);
}
