/**
 * Shapes of the server's REST and live-channel answers, as the editor reads
 * them. Engine types are imported (type-only) so a change there breaks the build
 * here instead of at runtime.
 */
import type { GraphDocument } from '../../../engine/graph/GraphDocument.ts';
import type { NodeOutcome } from '../../../engine/graph/HotReloader.ts';
import type { AllowedEndpoint } from '../../../engine/graph/EndpointPolicy.ts';
import type { NodeEndpoints } from '../../../engine/graph/NodeRegistry.ts';
import type { NodeTypeInfo } from '../../../engine/graph/NodeTypeInfo.ts';
import type { GraphIssue } from '../../../engine/graph/validateGraph.ts';

export type { AllowedEndpoint, GraphDocument, GraphIssue, NodeEndpoints, NodeOutcome, NodeTypeInfo };

/** A node type as `/api/node-types` serves it: credentials only as set or not; for types that send a key to a URL, where this server allows it to go. */
export type EditorNodeType = NodeTypeInfo & { credentialsPresent: Record<string, boolean>; endpoints?: NodeEndpoints };

export interface GraphSummary {
  name: string;
  revision: string;
  description?: string;
  updatedAt?: string;
  error?: string;
}

export interface StoredGraph {
  name: string;
  revision: string;
  graph: GraphDocument;
}

/** Mirrors engine NodeChange; declared here so the editor never imports HotReloader's runtime. */
export interface NodeChange {
  nodeId: string;
  outcome: NodeOutcome;
  keys?: string[];
  reason?: string;
}

export interface SessionReload {
  sessionId: string;
  nodes: NodeChange[];
  error?: string;
}

/** `POST /api/sessions/:id/graph`: the live conversation continued on another graph (409 when refused). */
export interface SwitchResult extends SessionReload {
  revision: string;
  /** The graph the session runs now. */
  graph: string;
}

export interface SaveResult {
  name: string;
  revision: string;
  reload?: { sessions: SessionReload[] };
}

export interface VersionInfo {
  revision: string;
  savedAt: string;
}

export interface SessionSummary {
  id: string;
  graph: string;
  revision: string;
  transport: string;
  startedAt: string;
}

export interface ValidationAnswer {
  ok: boolean;
  errors: GraphIssue[];
  warnings: GraphIssue[];
}
