/** React Flow's view of a graph: one custom node type and one custom edge type. */
import type { Edge, Node } from '@xyflow/react';

export type AgentNodeData = {
  /** Node type from the catalogue, e.g. `tts.flite`. */
  type: string;
  config: Record<string, unknown>;
  /** Editor-only data kept in the document's `ui` key. */
  ui?: Record<string, unknown>;
};

export type AgentFlowNode = Node<AgentNodeData, 'agent'>;

export type FrameEdgeData = {
  /** Frame types that can cross this edge (empty for a tools edge). */
  types: string[];
  color: string;
  /** Why the edge cannot work, when the validator says so. */
  problem?: string;
};

export type FrameFlowEdge = Edge<FrameEdgeData, 'frames'>;

/** Handle ids in the canvas. The document leaves the default handles unnamed. */
export const IN_HANDLE = 'in';
export const OUT_HANDLE = 'out';
