/**
 * The one rule for whether a wire may be drawn. Pure, so the canvas, the
 * handle highlighting and the tests all ask the same question. It refuses
 * only what can never work; softer problems (unreachable nodes, a missing
 * transport) are left to the validator, which shows them as problems.
 */
import {
  type GraphEdge,
  type NodeCatalogue,
  outgoingFrameTypes,
  TOOLS_HANDLE,
} from '#engine/browser';

export interface ConnectionAttempt {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export interface ConnectionContext {
  nodes: ReadonlyArray<{ id: string; type: string }>;
  /** Document-level edges: default handles are null/undefined, tools edges have targetHandle 'tools'. */
  edges: ReadonlyArray<Pick<GraphEdge, 'source' | 'target' | 'targetHandle'>>;
  catalogue: Pick<NodeCatalogue, 'info'>;
  /** Precomputed `outgoingFrameTypes` of the current graph; computed when absent. */
  leaving?: Map<string, Set<string>>;
}

export type ConnectionVerdict = { ok: true; types: string[] } | { ok: false; reason: string };

function refuse(reason: string): ConnectionVerdict {
  return { ok: false, reason };
}

function list(types: Iterable<string>, max = 4): string {
  const all = [...types];
  return all.length <= max
    ? all.join(', ')
    : `${all.slice(0, max).join(', ')} +${all.length - max}`;
}

/** Whether `from` can reach `to` following frame (non-tool) edges. */
function reaches(edges: ConnectionContext['edges'], from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const e of edges) {
      if (e.source === id && e.targetHandle !== TOOLS_HANDLE && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return false;
}

export function checkConnection(
  attempt: ConnectionAttempt,
  ctx: ConnectionContext,
): ConnectionVerdict {
  const { source, target } = attempt;
  if (!source || !target) return refuse('drop the wire on a node');
  if (source === target) return refuse('a node cannot feed itself');
  const sourceNode = ctx.nodes.find((n) => n.id === source);
  const targetNode = ctx.nodes.find((n) => n.id === target);
  if (!sourceNode || !targetNode) return refuse('that node is not in the graph');
  const from = ctx.catalogue.info(sourceNode.type);
  const to = ctx.catalogue.info(targetNode.type);
  if (!from) return refuse(`'${source}' has an unknown type ${sourceNode.type}`);
  if (!to) return refuse(`'${target}' has an unknown type ${targetNode.type}`);

  const toTools = attempt.targetHandle === TOOLS_HANDLE;
  const duplicate = ctx.edges.some(
    (e) =>
      e.source === source && e.target === target && (e.targetHandle === TOOLS_HANDLE) === toTools,
  );
  if (duplicate) return refuse(`'${source}' is already connected to '${target}'`);

  if (toTools) {
    if (!to.acceptsTools) return refuse(`${to.title} does not take tools`);
    if (from.kind !== 'tool')
      return refuse(`only tool nodes plug into a tools handle; '${source}' is ${from.title}`);
    return { ok: true, types: [] };
  }
  if (from.kind === 'tool') {
    return refuse(
      to.acceptsTools
        ? `tools plug into the tools handle at the bottom of '${target}'`
        : `a tool connects only to the tools handle of an LLM`,
    );
  }
  if (to.kind === 'tool')
    return refuse(`tool nodes receive no frames; connect '${target}' to an LLM's tools handle`);
  if (to.consumes.length === 0) return refuse(`${to.title} takes no input`);

  if (reaches(ctx.edges, target, source))
    return refuse(`'${target}' already feeds '${source}': this wire would loop frames forever`);

  const leaving =
    ctx.leaving ??
    outgoingFrameTypes(
      {
        nodes: ctx.nodes as Array<{ id: string; type: string; config: Record<string, unknown> }>,
        edges: ctx.edges as GraphEdge[],
      },
      ctx.catalogue,
    );
  const available = leaving.get(source) ?? new Set(from.produces);
  if (available.has('*')) return { ok: true, types: [...to.consumes] };
  if (to.consumes.includes('*')) return { ok: true, types: [...available] };
  const types = to.consumes.filter((t) => available.has(t));
  if (types.length === 0) {
    const offered = available.size > 0 ? list(available) : 'nothing';
    return refuse(`${to.title} needs ${list(to.consumes)}; '${source}' sends ${offered}`);
  }
  return { ok: true, types };
}

/** Boolean form for React Flow's `isValidConnection`. */
export function isValidConnection(attempt: ConnectionAttempt, ctx: ConnectionContext): boolean {
  return checkConnection(attempt, ctx).ok;
}
