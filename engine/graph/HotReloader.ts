import type { GraphDocument, GraphEdge, GraphNode } from './GraphDocument.ts';
import type { GraphRunner, NodeInstance } from './GraphRunner.ts';
import type { NodeRegistry } from './NodeRegistry.ts';
import { TRANSPORT_INPUT, TRANSPORT_OUTPUT } from './validateGraph.ts';

/**
 * What hot reload did to one node:
 * - `updated-live`: only live-updatable keys changed; a settings frame, no restart;
 * - `replaced`: the processor was rebuilt at a quiet point, conversation kept;
 * - `added` / `removed` / `rewired`: structural change applied in place;
 * - `new-sessions-only`: not safe to apply to a running conversation;
 * - `failed`: could not be built (e.g. a missing credential); the old node keeps running.
 */
export type NodeOutcome =
  | 'unchanged'
  | 'updated-live'
  | 'replaced'
  | 'added'
  | 'removed'
  | 'rewired'
  | 'new-sessions-only'
  | 'failed';

export interface NodeChange {
  nodeId: string;
  outcome: NodeOutcome;
  /** Config keys that changed. */
  keys?: string[];
  reason?: string;
}

export interface ReloadReport {
  nodes: NodeChange[];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameJson(before[k], after[k]));
}

function edgeKey(edge: GraphEdge): string {
  return `${edge.source}|${edge.sourceHandle ?? ''}|${edge.target}|${edge.targetHandle ?? ''}`;
}

/** Pure diff of two validated graphs by node id. Layout (position, ui) never counts. */
export function diffGraphs(
  before: GraphDocument,
  after: GraphDocument,
  registry: NodeRegistry,
): NodeChange[] {
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(after.nodes.map((n) => [n.id, n]));
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const touched = new Set<string>();
  for (const e of [...before.edges, ...after.edges]) {
    const key = edgeKey(e);
    if (oldEdges.has(key) !== newEdges.has(key)) {
      touched.add(e.source);
      touched.add(e.target);
    }
  }

  const changes: NodeChange[] = [];
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    if (!old) {
      changes.push({ nodeId: node.id, outcome: 'added' });
      continue;
    }
    if (old.type !== node.type) {
      changes.push({
        nodeId: node.id,
        outcome: 'replaced',
        reason: `type changed from ${old.type} to ${node.type}`,
      });
      continue;
    }
    const keys = changedKeys(old.config, node.config);
    const live = new Set(registry.info(node.type)?.liveKeys ?? []);
    if (keys.length > 0 && keys.every((k) => live.has(k)))
      changes.push({ nodeId: node.id, outcome: 'updated-live', keys });
    else if (keys.length > 0) changes.push({ nodeId: node.id, outcome: 'replaced', keys });
    else if (touched.has(node.id)) changes.push({ nodeId: node.id, outcome: 'rewired' });
    else changes.push({ nodeId: node.id, outcome: 'unchanged' });
  }
  for (const node of before.nodes) {
    if (!newNodes.has(node.id)) changes.push({ nodeId: node.id, outcome: 'removed' });
  }
  return changes;
}

function isTransport(node: GraphNode | undefined): boolean {
  return node?.type === TRANSPORT_INPUT || node?.type === TRANSPORT_OUTPUT;
}

export interface ApplyOptions {
  /** How long to wait for the bot to stop speaking before replacing processors anyway. */
  quietTimeoutMs?: number;
}

/**
 * Applies a new version of the graph to a running session:
 * live keys → settings frame; other config → processor replaced at a quiet
 * point; nodes/edges added or removed → rewired in place, unless a transport
 * node changes, which only new sessions can get.
 */
export async function applyGraph(
  runner: GraphRunner,
  next: unknown,
  options: ApplyOptions = {},
): Promise<ReloadReport> {
  const before = runner.graph;
  const after = (runner.constructor as typeof GraphRunner).validate(next, runner.registry);
  const changes = diffGraphs(before, after, runner.registry);
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(after.nodes.map((n) => [n.id, n]));

  for (const change of changes) {
    if (change.outcome !== 'updated-live') continue;
    const settings = Object.fromEntries(
      change.keys!.map((k) => [k, newNodes.get(change.nodeId)!.config[k]]),
    );
    runner.processor(change.nodeId)?.updateSettings(settings);
    const inst = runner.nodes().get(change.nodeId);
    if (inst) inst.node = newNodes.get(change.nodeId)!;
  }

  const heavy = changes.filter(
    (c) =>
      c.outcome === 'replaced' ||
      c.outcome === 'added' ||
      c.outcome === 'removed' ||
      c.outcome === 'rewired',
  );
  const unsafe = heavy.some(
    (c) =>
      c.outcome !== 'rewired' &&
      (isTransport(oldNodes.get(c.nodeId)) || isTransport(newNodes.get(c.nodeId))),
  );
  if (unsafe) {
    for (const c of heavy) {
      c.outcome = 'new-sessions-only';
      c.reason = 'a transport node changed; a live conversation cannot be rebound';
    }
    return { nodes: changes };
  }
  if (heavy.length === 0) {
    // Only live settings and layout changed: the new document is now the truth.
    runner.replaceTopology(after, new Map(runner.nodes()));
    return { nodes: changes };
  }

  await runner.whenQuiet(options.quietTimeoutMs ?? 10_000);
  const instances = new Map(runner.nodes());
  const retired: NodeInstance[] = [];
  let effective = after;
  for (const change of heavy) {
    if (change.outcome === 'rewired') continue;
    if (change.outcome === 'removed') {
      retired.push(instances.get(change.nodeId)!);
      instances.delete(change.nodeId);
      continue;
    }
    let fresh: NodeInstance;
    try {
      fresh = runner.instantiate(newNodes.get(change.nodeId)!);
    } catch (error) {
      change.outcome = 'failed';
      change.reason = error instanceof Error ? error.message : String(error);
      continue;
    }
    if (fresh.processor) {
      runner.isolate(fresh.processor);
      fresh.processor.receive(runner.startFrame(), 'downstream');
      await fresh.processor.idle();
    }
    const old = instances.get(change.nodeId);
    if (old) retired.push(old);
    instances.set(change.nodeId, fresh);
  }
  if (changes.some((c) => c.outcome === 'failed')) {
    effective = keepFailedNodes(after, before, changes, instances);
  }
  runner.replaceTopology(effective, instances);
  for (const old of retired) {
    if (!old.processor) continue;
    runner.isolate(old.processor);
    old.processor.receive(
      runner.createFrame('cancel', { reason: 'replaced by hot reload' }),
      'downstream',
    );
  }
  return { nodes: changes };
}

/** A node that failed to build keeps its old version; an added one that failed is left out. */
function keepFailedNodes(
  after: GraphDocument,
  before: GraphDocument,
  changes: NodeChange[],
  instances: Map<string, NodeInstance>,
): GraphDocument {
  const failed = new Set(changes.filter((c) => c.outcome === 'failed').map((c) => c.nodeId));
  const oldById = new Map(before.nodes.map((n) => [n.id, n]));
  const nodes = after.nodes.flatMap((n) => {
    if (!failed.has(n.id)) return [n];
    const old = oldById.get(n.id);
    return old && instances.has(n.id) ? [old] : [];
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edges = after.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { ...after, nodes, edges };
}
