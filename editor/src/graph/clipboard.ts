/**
 * Copy/paste of a selection with the edges inside it. Pure: the store calls
 * these and the tests check them without a canvas.
 */
import type { GraphEdge } from '#engine/browser';
import { flowEdgeToGraph } from './flowToGraph.ts';
import type { AgentFlowNode, AgentNodeData, FrameFlowEdge } from './flowTypes.ts';
import { edgeToFlow } from './graphToFlow.ts';
import { uniqueEdgeId, uniqueNodeId } from './uniqueNodeId.ts';

export interface ClipboardContent {
  kind: 'parley-clipboard';
  nodes: Array<{ id: string; position: { x: number; y: number }; data: AgentNodeData }>;
  edges: GraphEdge[];
}

export function copySelection(
  nodes: readonly AgentFlowNode[],
  edges: readonly FrameFlowEdge[],
): ClipboardContent | null {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return null;
  const ids = new Set(picked.map((n) => n.id));
  return {
    kind: 'parley-clipboard',
    nodes: picked.map((n) => ({
      id: n.id,
      position: { ...n.position },
      data: structuredClone(n.data),
    })),
    // Only wires with both ends copied come along; the rest would dangle.
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map(flowEdgeToGraph),
  };
}

export function isClipboardContent(value: unknown): value is ClipboardContent {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as { kind?: unknown }).kind === 'parley-clipboard'
  );
}

/** New nodes (selected) and internal edges with fresh ids, offset so the copy is visible. */
export function pasteClipboard(
  clip: ClipboardContent,
  takenNodeIds: ReadonlySet<string>,
  takenEdgeIds: ReadonlySet<string>,
  offset: { x: number; y: number },
): { nodes: AgentFlowNode[]; edges: FrameFlowEdge[] } {
  const nodeIds = new Set(takenNodeIds);
  const edgeIds = new Set(takenEdgeIds);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n): AgentFlowNode => {
    const id = uniqueNodeId(n.id.replace(/\d+$/, '') || n.id, nodeIds);
    nodeIds.add(id);
    rename.set(n.id, id);
    return {
      id,
      type: 'agent',
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
      data: structuredClone(n.data),
      selected: true,
    };
  });
  const edges = clip.edges.map((e): FrameFlowEdge => {
    const source = rename.get(e.source)!;
    const target = rename.get(e.target)!;
    const id = uniqueEdgeId(source, target, edgeIds, e.targetHandle === 'tools' ? '-tools' : '');
    edgeIds.add(id);
    return { ...edgeToFlow({ ...e, id, source, target }), selected: false };
  });
  return { nodes, edges };
}
