import { GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode } from '#engine/browser';
import { type AgentFlowNode, type FrameFlowEdge, IN_HANDLE, OUT_HANDLE } from './flowTypes.ts';

export interface GraphMeta {
  name: string;
  description?: string;
}

export function flowEdgeToGraph(
  e: Pick<FrameFlowEdge, 'id' | 'source' | 'target' | 'sourceHandle' | 'targetHandle'>,
): GraphEdge {
  const edge: GraphEdge = { id: e.id, source: e.source, target: e.target };
  if (e.sourceHandle && e.sourceHandle !== OUT_HANDLE) edge.sourceHandle = e.sourceHandle;
  if (e.targetHandle && e.targetHandle !== IN_HANDLE) edge.targetHandle = e.targetHandle;
  return edge;
}

/** The document the server stores. Positions are rounded: sub-pixel noise would make every drag a diff. */
export function flowToGraph(
  meta: GraphMeta,
  nodes: readonly AgentFlowNode[],
  edges: readonly FrameFlowEdge[],
): GraphDocument {
  return {
    version: GRAPH_VERSION,
    name: meta.name,
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    nodes: nodes.map(
      (n): GraphNode => ({
        id: n.id,
        type: n.data.type,
        config: n.data.config,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        ...(n.data.ui ? { ui: n.data.ui } : {}),
      }),
    ),
    edges: edges.map(flowEdgeToGraph),
  };
}
