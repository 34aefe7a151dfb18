/**
 * A graph's voice-to-voice latency before anyone has talked to it: the hops
 * from transport in to transport out, each from its node's config or its node
 * type's typical figure (see NodeLatency.ts). Measured the way the
 * LatencyObserver measures a turn — first bot audio handed to the transport −
 * end of user speech — so the two can be compared; the network and the
 * client's playback buffer are outside both. Browser-safe and pure: the editor
 * recomputes it on every edit.
 */
import { type GraphDocument, isToolEdge } from './GraphDocument.ts';
import { type ResolvedLatency, resolveLatency } from './NodeLatency.ts';
import type { NodeTypeInfo } from './NodeTypeInfo.ts';
import { TRANSPORT_INPUT, TRANSPORT_OUTPUT } from './validateGraph.ts';

export interface EstimatedHop extends ResolvedLatency {
  nodeId: string;
  nodeType: string;
  /** The largest hop of the path: where to look first. */
  slowest: boolean;
}

export interface LatencyEstimate {
  /** Sum of the hops on the slowest path (ms). */
  totalMs: number;
  /** The slowest path's hops, in the order a turn spends them. */
  hops: EstimatedHop[];
  /** Node ids on the slowest path, transport in to transport out. */
  path: string[];
  /** How many distinct paths lead from transport in to transport out. */
  pathCount: number;
  /** Nodes on the path whose type declares no latency: counted as 0, the estimate is a lower bound. */
  undeclared: string[];
  /** Why there is no path to estimate, when there is none. */
  problem?: string;
}

type GraphShape = Pick<GraphDocument, 'nodes' | 'edges'>;
type Hop = Omit<EstimatedHop, 'slowest'>;

/** The config as the node will run it: the schema's defaults under what the graph sets. */
function effectiveConfig(
  info: NodeTypeInfo,
  config: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const properties = (info.configSchema.properties ?? {}) as Record<string, { default?: unknown }>;
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties))
    if (schema && 'default' in schema) defaults[key] = schema.default;
  return { ...defaults, ...(config ?? {}) };
}

interface Best {
  ms: number;
  /** Predecessor on the slowest path reaching this node. */
  via?: string;
  paths: number;
}

export function estimateGraphLatency(
  graph: GraphShape,
  nodeTypes: readonly NodeTypeInfo[],
): LatencyEstimate {
  const infoByType = new Map(nodeTypes.map((t) => [t.type, t]));
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));

  const hopsOf = new Map<string, Hop[]>();
  const undeclaredIds = new Set<string>();
  for (const node of graph.nodes) {
    const info = infoByType.get(node.type);
    if (!info?.latency) {
      undeclaredIds.add(node.id);
      hopsOf.set(node.id, []);
      continue;
    }
    const resolved = resolveLatency(info.latency, effectiveConfig(info, node.config));
    hopsOf.set(
      node.id,
      resolved.map((r) => ({ nodeId: node.id, nodeType: node.type, ...r })),
    );
  }
  const weight = (id: string) => hopsOf.get(id)!.reduce((sum, h) => sum + h.ms, 0);

  // Tool edges carry no frames: a tool's time is inside the LLM's turn, not on the audio path.
  const incoming = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (isToolEdge(edge) || !nodes.has(edge.source) || !nodes.has(edge.target)) continue;
    (incoming.get(edge.target) ?? incoming.set(edge.target, []).get(edge.target)!).push(
      edge.source,
    );
  }

  // Longest path into each node, by memoised search backwards. Validation rejects
  // cycles, but the editor estimates graphs mid-edit: a node already on the
  // search stack is treated as unreachable, so a cycle cannot recurse forever.
  const memo = new Map<string, Best | null>();
  const onStack = new Set<string>();
  const best = (id: string): Best | null => {
    if (memo.has(id)) return memo.get(id)!;
    if (onStack.has(id)) return null;
    onStack.add(id);
    let result: Best | null = null;
    if (nodes.get(id)!.type === TRANSPORT_INPUT) {
      result = { ms: weight(id), paths: 1 };
    } else {
      let paths = 0;
      for (const source of incoming.get(id) ?? []) {
        const before = best(source);
        if (!before) continue;
        paths += before.paths;
        // Parallel branches: budget for the slowest. A turn may take any of them
        // (a router, a fallback), and the estimate must hold whichever it takes.
        if (!result || before.ms > result.ms) result = { ms: before.ms, via: source, paths: 0 };
      }
      if (result) result = { ms: result.ms + weight(id), via: result.via, paths };
    }
    onStack.delete(id);
    memo.set(id, result);
    return result;
  };

  const inputs = graph.nodes.filter((n) => n.type === TRANSPORT_INPUT);
  const outputs = graph.nodes.filter((n) => n.type === TRANSPORT_OUTPUT);
  const empty = (problem: string): LatencyEstimate => ({
    totalMs: 0,
    hops: [],
    path: [],
    pathCount: 0,
    undeclared: [],
    problem,
  });
  if (inputs.length === 0) return empty('no transport.input node: nothing hears the user');
  if (outputs.length === 0) return empty('no transport.output node: nothing reaches the speaker');

  let end: string | undefined;
  let pathCount = 0;
  for (const output of outputs) {
    const reached = best(output.id);
    if (!reached) continue;
    pathCount += reached.paths;
    if (end === undefined || reached.ms > best(end)!.ms) end = output.id;
  }
  if (end === undefined) return empty('no path of edges leads from transport in to transport out');

  const path: string[] = [];
  for (let id: string | undefined = end; id !== undefined; id = memo.get(id)?.via) path.unshift(id);

  const hops = path.flatMap((id) => hopsOf.get(id)!);
  const totalMs = hops.reduce((sum, h) => sum + h.ms, 0);
  let slowest = -1;
  hops.forEach((h, i) => {
    if (h.ms > 0 && (slowest < 0 || h.ms > hops[slowest].ms)) slowest = i;
  });
  return {
    totalMs,
    hops: hops.map((h, i) => ({ ...h, slowest: i === slowest })),
    path,
    pathCount,
    undeclared: path.filter((id) => undeclaredIds.has(id)),
  };
}
