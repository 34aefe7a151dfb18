/**
 * The JSON shape of a saved graph. Browser-safe: the editor imports this module
 * to validate on the client exactly as the server does.
 */
import { z } from 'zod';
import { unitPricesSchema } from '../metrics/prices.ts';
import { GRAPH_LIMITS } from './graphBounds.ts';

/**
 * The document format this engine writes. Older documents are upgraded by
 * `migrateGraph` wherever they enter (store, REST, CLI, validation).
 */
export const GRAPH_VERSION = 2;

/** Handle on an LLM-like node that tool nodes connect to. */
export const TOOLS_HANDLE = 'tools';

const idPattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const graphNodeSchema = z.object({
  id: z
    .string()
    .regex(
      idPattern,
      'must start with a letter and contain only letters, digits, "_", "-" or "." (max 64)',
    ),
  type: z.string().min(1, 'must name a node type'),
  config: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
  /** Free-form editor data (labels, colours); never read by the runtime. */
  ui: z.record(z.string(), z.unknown()).optional(),
});

const graphEdgeSchema = z.object({
  id: z.string().min(1, 'must be a non-empty string'),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish(),
  targetHandle: z.string().nullish(),
});

export const graphDocumentSchema = z.object({
  version: z.literal(GRAPH_VERSION, { error: `must be ${GRAPH_VERSION}` }),
  name: z.string().min(1, 'must be a non-empty string').max(128),
  description: z.string().optional(),
  // validateGraph checks GRAPH_LIMITS before this schema runs; the maxima here document them for other readers of the schema.
  nodes: z.array(graphNodeSchema).max(GRAPH_LIMITS.maxNodes),
  edges: z.array(graphEdgeSchema).max(GRAPH_LIMITS.maxEdges),
  /**
   * Prices that replace the defaults (engine/metrics/prices.ts), by node id or
   * node type: a node running another model than its type's default.
   */
  prices: z.record(z.string(), unitPricesSchema).optional(),
});

export type GraphNode = z.output<typeof graphNodeSchema>;
export type GraphEdge = z.output<typeof graphEdgeSchema>;
export type GraphDocument = z.output<typeof graphDocumentSchema>;

export function isToolEdge(edge: Pick<GraphEdge, 'targetHandle'>): boolean {
  return edge.targetHandle === TOOLS_HANDLE;
}
