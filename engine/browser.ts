/**
 * `#engine/browser`: the browser-safe part of the engine, for the editor and any code that
 * runs in a page. Graph documents, their migration from older formats and their validation,
 * node type descriptions (what `/api/node-types` serves), the latency estimate, turn records
 * and the endpoint URL rules: the editor checks a graph exactly as the server will, without
 * a round trip.
 *
 * Nothing reachable from here may load a `node:` module or a Node-only package, directly or
 * through its imports; test/engine/browserEntry.test.ts walks the import graph to keep it so.
 * Programs running in Node import `#engine`, which re-exports all of this.
 */

export type { AllowedEndpoint } from './graph/EndpointPolicy.ts';
export { type EndpointUrl, endpointCovers, parseEndpointUrl } from './graph/EndpointUrl.ts';
export {
  type EstimatedHop,
  estimateGraphLatency,
  type LatencyEstimate,
} from './graph/estimateGraphLatency.ts';
// Graph documents
export {
  GRAPH_VERSION,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  graphDocumentSchema,
  isToolEdge,
  TOOLS_HANDLE,
} from './graph/GraphDocument.ts';
// What a hot reload did to each node (types only: the reloader itself runs on the server)
export type { NodeChange, NodeOutcome } from './graph/HotReloader.ts';
/** Older saved formats upgraded on load: the editor shows a graph as the server will run it. */
export { GraphVersionError, migrateGraph } from './graph/migrateGraph.ts';
// Latency: the estimate before a call, the measured turns during one
export { LATENCY_STAGES, type LatencyStage } from './graph/NodeLatency.ts';
export type { NodeEndpoints } from './graph/NodeRegistry.ts';
// Node types as described to clients
export {
  edgeFrameTypes,
  type FrameTypeList,
  type NodeCategory,
  type NodeTypeInfo,
} from './graph/NodeTypeInfo.ts';
// Validation: the server validates with its registry, the editor with the catalogue it fetched.
export {
  type ConfigIssue,
  type GraphIssue,
  type GraphIssueCode,
  type GraphValidation,
  type NodeCatalogue,
  outgoingFrameTypes,
  TRANSPORT_INPUT,
  TRANSPORT_OUTPUT,
  validateGraph,
} from './graph/validateGraph.ts';
// Usage and cost: what a turn consumed, priced
export {
  costOf,
  DEFAULT_PRICES,
  type PriceEntry,
  type PriceLookup,
  type PriceOverrides,
  pricesFor,
  priceUsage,
  type UnitPrices,
  unitPricesSchema,
} from './metrics/prices.ts';
export { summarizeUsage, type UsageSummary } from './metrics/sessionUsage.ts';
export {
  HOP_ORDER,
  type HopName,
  type ToolSpan,
  type TurnHops,
  type TurnRecord,
} from './metrics/TurnRecord.ts';
export {
  addUsageMetric,
  type NodeUsage,
  sumUsage,
  type TurnUsage,
  totalTokens,
} from './metrics/Usage.ts';
// Replay comparisons, for the editor (types only: the replay itself runs on the server)
export type {
  Comparison,
  DifferenceKind,
  LatencyComparison,
  TurnComparison,
} from './recording/compareReplays.ts';
export type { ConversationToolCall, ConversationTurn } from './recording/conversationTurns.ts';
