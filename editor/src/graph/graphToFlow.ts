import type { GraphDocument, GraphEdge } from '#engine/browser';
import { type AgentFlowNode, type FrameFlowEdge, IN_HANDLE, OUT_HANDLE } from './flowTypes.ts';

export function edgeToFlow(edge: GraphEdge): FrameFlowEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle ?? OUT_HANDLE,
    targetHandle: edge.targetHandle ?? IN_HANDLE,
    type: 'frames',
    data: { types: [], color: '#94a3b8' },
  };
}

/** Nodes without a position (hand-written graphs) get a simple grid until auto-layout runs. */
export function graphToFlow(doc: Pick<GraphDocument, 'nodes' | 'edges'>): {
  nodes: AgentFlowNode[];
  edges: FrameFlowEdge[];
} {
  const nodes = doc.nodes.map(
    (n, i): AgentFlowNode => ({
      id: n.id,
      type: 'agent',
      position: n.position ?? { x: (i % 6) * 260, y: Math.floor(i / 6) * 160 },
      data: { type: n.type, config: n.config ?? {}, ...(n.ui ? { ui: n.ui } : {}) },
    }),
  );
  return { nodes, edges: doc.edges.map(edgeToFlow) };
}
