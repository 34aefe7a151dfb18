/**
 * Validates a graph document against a catalogue of node types. Browser-safe:
 * the server validates with its registry, the editor with the catalogue it
 * fetched, and both get the same errors.
 */
import { type GraphDocument, graphDocumentSchema, isToolEdge } from './GraphDocument.ts';
import { findGraphBoundsProblem } from './graphBounds.ts';
import { GraphVersionError, migrateGraph } from './migrateGraph.ts';
import type { NodeTypeInfo } from './NodeTypeInfo.ts';

export type GraphIssueCode =
  | 'invalid-json'
  /** The document nests deeper than GRAPH_LIMITS allows: nothing else was checked. */
  | 'too-deep'
  /** The document has more nodes, edges, values or characters than GRAPH_LIMITS allows: nothing else was checked. */
  | 'too-large'
  | 'unsupported-version'
  | 'invalid-shape'
  | 'duplicate-node-id'
  | 'duplicate-edge-id'
  | 'duplicate-edge'
  | 'unknown-node-type'
  | 'invalid-config'
  | 'dangling-edge'
  | 'self-loop'
  | 'invalid-tool-edge'
  | 'tool-in-flow'
  | 'incompatible-edge'
  | 'cycle'
  | 'missing-transport'
  | 'unreachable'
  | 'unused-tool';

export interface GraphIssue {
  severity: 'error' | 'warning';
  code: GraphIssueCode;
  /** Where in the document, e.g. `nodes[2].config.stopMs`. */
  path: string;
  nodeId?: string;
  edgeId?: string;
  message: string;
}

export interface ConfigIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

export interface NodeCatalogue {
  info(type: string): NodeTypeInfo | undefined;
  validateConfig(
    type: string,
    config: unknown,
  ): { ok: true; value: Record<string, unknown> } | { ok: false; issues: ConfigIssue[] };
}

export type GraphValidation =
  | { ok: true; graph: GraphDocument; warnings: GraphIssue[] }
  | { ok: false; errors: GraphIssue[]; warnings: GraphIssue[] };

export const TRANSPORT_INPUT = 'transport.input';
export const TRANSPORT_OUTPUT = 'transport.output';

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; issue: GraphIssue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issue: {
        severity: 'error',
        code: 'invalid-json',
        path: '',
        message: `not valid JSON: ${detail}`,
      },
    };
  }
}

/**
 * Validates `input` (parsed JSON or JSON text). Every issue names the node or
 * edge and the JSON path. A document of an older format version is migrated
 * first, so issues (and the graph returned) are in the current format.
 */
export function validateGraph(input: unknown, catalogue: NodeCatalogue): GraphValidation {
  let value = input;
  if (typeof input === 'string') {
    const parsed = parseJson(input);
    if (!parsed.ok) return { ok: false, errors: [parsed.issue], warnings: [] };
    value = parsed.value;
  }
  // Before any walk of the document (zod's included): the limits are what make those walks safe.
  const bounds = findGraphBoundsProblem(value);
  if (bounds) {
    const nodes = (value as { nodes?: unknown })?.nodes;
    const nodeId =
      bounds.path[0] === 'nodes' && Array.isArray(nodes)
        ? nodeIdAt(nodes, bounds.path[1])
        : undefined;
    const issue: GraphIssue = {
      severity: 'error',
      code: bounds.code,
      path: formatPath(bounds.path),
      nodeId,
      message: nodeId ? `node '${nodeId}': ${bounds.message}` : bounds.message,
    };
    return { ok: false, errors: [issue], warnings: [] };
  }
  const migrated = migrateOrIssue(value);
  if (!migrated.ok) return { ok: false, errors: [migrated.issue], warnings: [] };
  value = migrated.value;
  const shape = graphDocumentSchema.safeParse(value);
  if (!shape.success) {
    const nodes = (value as { nodes?: unknown })?.nodes;
    const errors = shape.error.issues.map((issue): GraphIssue => {
      const path = formatPath(issue.path);
      const nodeId =
        issue.path[0] === 'nodes' && Array.isArray(nodes)
          ? nodeIdAt(nodes, issue.path[1])
          : undefined;
      const code = issue.path[0] === 'version' ? 'unsupported-version' : 'invalid-shape';
      const where = nodeId ? `node '${nodeId}': ` : '';
      return {
        severity: 'error',
        code,
        path,
        nodeId,
        message: `${where}${path || 'document'}: ${issue.message}`,
      };
    });
    return { ok: false, errors, warnings: [] };
  }
  const graph = shape.data;
  const checker = new GraphChecker(graph, catalogue);
  checker.run();
  if (checker.errors.length > 0)
    return { ok: false, errors: checker.errors, warnings: checker.warnings };
  return { ok: true, graph: checker.normalised(), warnings: checker.warnings };
}

type Migrated = { ok: true; value: unknown } | { ok: false; issue: GraphIssue };

/** A document from a newer Parley is refused here, naming its version. */
function migrateOrIssue(document: unknown): Migrated {
  try {
    return { ok: true, value: migrateGraph(document) };
  } catch (error) {
    if (!(error instanceof GraphVersionError)) throw error;
    const { message } = error;
    return {
      ok: false,
      issue: { severity: 'error', code: 'unsupported-version', path: 'version', message },
    };
  }
}

function nodeIdAt(nodes: unknown[], index: PropertyKey | undefined): string | undefined {
  if (typeof index !== 'number') return undefined;
  const node = nodes[index] as { id?: unknown } | undefined;
  return typeof node?.id === 'string' ? node.id : undefined;
}

class GraphChecker {
  readonly errors: GraphIssue[] = [];
  readonly warnings: GraphIssue[] = [];
  private readonly infos = new Map<string, NodeTypeInfo>();
  private readonly configs = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly graph: GraphDocument,
    private readonly catalogue: NodeCatalogue,
  ) {}

  run(): void {
    this.checkNodes();
    this.checkEdges();
    this.checkTransports();
    if (this.errors.length === 0) this.checkCycles();
    if (this.errors.length === 0) {
      this.checkCompatibility();
      this.checkReachability();
    }
  }

  /** The graph with each node's config filled with defaults. */
  normalised(): GraphDocument {
    return {
      ...this.graph,
      nodes: this.graph.nodes.map((n) => ({ ...n, config: this.configs.get(n.id) ?? n.config })),
    };
  }

  private error(issue: Omit<GraphIssue, 'severity'>): void {
    this.errors.push({ severity: 'error', ...issue });
  }

  private checkNodes(): void {
    const seen = new Set<string>();
    this.graph.nodes.forEach((node, i) => {
      if (seen.has(node.id)) {
        this.error({
          code: 'duplicate-node-id',
          path: `nodes[${i}].id`,
          nodeId: node.id,
          message: `node id '${node.id}' is used more than once`,
        });
      }
      seen.add(node.id);
      const info = this.catalogue.info(node.type);
      if (!info) {
        this.error({
          code: 'unknown-node-type',
          path: `nodes[${i}].type`,
          nodeId: node.id,
          message: `node '${node.id}': unknown node type '${node.type}'`,
        });
        return;
      }
      this.infos.set(node.id, info);
      const result = this.catalogue.validateConfig(node.type, node.config);
      if (result.ok) {
        this.configs.set(node.id, result.value);
        return;
      }
      for (const issue of result.issues) {
        const path = formatPath(['nodes', i, 'config', ...issue.path]);
        const field = formatPath(['config', ...issue.path]);
        this.error({
          code: 'invalid-config',
          path,
          nodeId: node.id,
          message: `node '${node.id}': ${field}: ${issue.message}`,
        });
      }
    });
  }

  private checkEdges(): void {
    const ids = new Set<string>();
    const links = new Set<string>();
    const nodeIds = new Set(this.graph.nodes.map((n) => n.id));
    this.graph.edges.forEach((edge, i) => {
      const at = `edges[${i}]`;
      if (ids.has(edge.id))
        this.error({
          code: 'duplicate-edge-id',
          path: `${at}.id`,
          edgeId: edge.id,
          message: `edge id '${edge.id}' is used more than once`,
        });
      ids.add(edge.id);
      let dangling = false;
      for (const end of ['source', 'target'] as const) {
        if (!nodeIds.has(edge[end])) {
          dangling = true;
          this.error({
            code: 'dangling-edge',
            path: `${at}.${end}`,
            edgeId: edge.id,
            message: `edge '${edge.id}': ${end} '${edge[end]}' is not a node of this graph`,
          });
        }
      }
      if (dangling) return;
      if (edge.source === edge.target) {
        this.error({
          code: 'self-loop',
          path: at,
          edgeId: edge.id,
          nodeId: edge.source,
          message: `edge '${edge.id}' connects node '${edge.source}' to itself`,
        });
        return;
      }
      const key = `${edge.source}|${edge.sourceHandle ?? ''}|${edge.target}|${edge.targetHandle ?? ''}`;
      if (links.has(key)) {
        this.error({
          code: 'duplicate-edge',
          path: at,
          edgeId: edge.id,
          message: `edge '${edge.id}' repeats an existing connection ${edge.source} → ${edge.target}`,
        });
      }
      links.add(key);
      this.checkEdgeTypes(edge, at);
    });
    this.warnUnusedTools();
  }

  private checkEdgeTypes(edge: GraphDocument['edges'][number], at: string): void {
    const source = this.infos.get(edge.source);
    const target = this.infos.get(edge.target);
    if (!source || !target) return; // unknown type already reported
    if (isToolEdge(edge)) {
      if (source.kind !== 'tool') {
        this.error({
          code: 'invalid-tool-edge',
          path: `${at}.source`,
          edgeId: edge.id,
          nodeId: edge.source,
          message: `edge '${edge.id}': only tool nodes connect to a tools handle, '${edge.source}' is ${source.type}`,
        });
      }
      if (!target.acceptsTools) {
        this.error({
          code: 'invalid-tool-edge',
          path: `${at}.target`,
          edgeId: edge.id,
          nodeId: edge.target,
          message: `edge '${edge.id}': node '${edge.target}' (${target.type}) does not take tools`,
        });
      }
      return;
    }
    for (const [end, info] of [
      ['source', source],
      ['target', target],
    ] as const) {
      if (info.kind === 'tool') {
        this.error({
          code: 'tool-in-flow',
          path: `${at}.${end}`,
          edgeId: edge.id,
          nodeId: edge[end],
          message: `edge '${edge.id}': tool node '${edge[end]}' can only connect to an LLM's tools handle`,
        });
        return;
      }
    }
  }

  /** Runs on an acyclic graph: compares what reaches each edge with what its target consumes. */
  private checkCompatibility(): void {
    const leaving = outgoingFrameTypes(this.graph, this.catalogue);
    this.graph.edges.forEach((edge, i) => {
      if (isToolEdge(edge)) return;
      const target = this.infos.get(edge.target);
      const available = leaving.get(edge.source);
      if (!target || !available || available.has('*')) return;
      if (target.consumes.includes('*') || target.consumes.some((t) => available.has(t))) return;
      this.error({
        code: 'incompatible-edge',
        path: `edges[${i}]`,
        edgeId: edge.id,
        nodeId: edge.target,
        message: `edge '${edge.id}': '${edge.target}' (${target.type}) consumes none of what reaches it from '${edge.source}' [${[...available].join(', ')}]`,
      });
    });
  }

  private warnUnusedTools(): void {
    const used = new Set(this.graph.edges.filter(isToolEdge).map((e) => e.source));
    this.graph.nodes.forEach((node, i) => {
      if (this.infos.get(node.id)?.kind === 'tool' && !used.has(node.id)) {
        this.warnings.push({
          severity: 'warning',
          code: 'unused-tool',
          path: `nodes[${i}]`,
          nodeId: node.id,
          message: `tool '${node.id}' is not connected to any LLM`,
        });
      }
    });
  }

  private checkTransports(): void {
    const inputs = this.graph.nodes.filter((n) => n.type === TRANSPORT_INPUT);
    const outputs = this.graph.nodes.filter((n) => n.type === TRANSPORT_OUTPUT);
    if (inputs.length !== 1) {
      const message =
        inputs.length === 0
          ? `graph has no ${TRANSPORT_INPUT} node`
          : `graph has ${inputs.length} ${TRANSPORT_INPUT} nodes; exactly one is allowed`;
      this.error({ code: 'missing-transport', path: 'nodes', nodeId: inputs[1]?.id, message });
    }
    if (outputs.length !== 1) {
      const message =
        outputs.length === 0
          ? `graph has no ${TRANSPORT_OUTPUT} node`
          : `graph has ${outputs.length} ${TRANSPORT_OUTPUT} nodes; exactly one is allowed`;
      this.error({ code: 'missing-transport', path: 'nodes', nodeId: outputs[1]?.id, message });
    }
  }

  /**
   * Frames flow downstream along edges; a cycle would loop a frame forever.
   * Depth-first with an explicit stack: a long chain must not overflow the call stack.
   */
  private checkCycles(): void {
    const out = flowEdgesBySource(this.graph.edges);
    const state = new Map<string, 'visiting' | 'done'>();
    for (const root of this.graph.nodes) {
      if (state.has(root.id)) continue;
      state.set(root.id, 'visiting');
      // Each frame: a node and how many of its outgoing edges were followed.
      const path: Array<{ id: string; next: number }> = [{ id: root.id, next: 0 }];
      while (path.length > 0) {
        const top = path[path.length - 1];
        const edges = out.get(top.id) ?? [];
        if (top.next >= edges.length) {
          state.set(top.id, 'done');
          path.pop();
          continue;
        }
        const { e, i } = edges[top.next++];
        const s = state.get(e.target);
        if (s === 'visiting') {
          this.error({
            code: 'cycle',
            path: `edges[${i}]`,
            edgeId: e.id,
            nodeId: e.target,
            message: `edge '${e.id}' (${e.source} → ${e.target}) closes a cycle; frames would loop forever`,
          });
          return;
        }
        if (!s) {
          state.set(e.target, 'visiting');
          path.push({ id: e.target, next: 0 });
        }
      }
    }
  }

  private checkReachability(): void {
    const input = this.graph.nodes.find((n) => n.type === TRANSPORT_INPUT);
    if (!input) return;
    const out = flowEdgesBySource(this.graph.edges);
    const reached = new Set([input.id]);
    const stack = [input.id];
    while (stack.length) {
      const id = stack.pop()!;
      for (const { e } of out.get(id) ?? []) {
        if (reached.has(e.target)) continue;
        reached.add(e.target);
        stack.push(e.target);
      }
    }
    this.graph.nodes.forEach((node, i) => {
      if (reached.has(node.id) || this.infos.get(node.id)?.kind === 'tool') return;
      this.error({
        code: 'unreachable',
        path: `nodes[${i}]`,
        nodeId: node.id,
        message: `node '${node.id}' receives no frames: no path from ${TRANSPORT_INPUT} '${input.id}' leads to it`,
      });
    });
  }
}

/** Non-tool edges (with their index in the document) by source node. */
function flowEdgesBySource(
  edges: GraphDocument['edges'],
): Map<string, Array<{ e: GraphDocument['edges'][number]; i: number }>> {
  const out = new Map<string, Array<{ e: GraphDocument['edges'][number]; i: number }>>();
  edges.forEach((e, i) => {
    if (isToolEdge(e)) return;
    const list = out.get(e.source);
    if (list) list.push({ e, i });
    else out.set(e.source, [{ e, i }]);
  });
  return out;
}

/**
 * Frame types that can leave each node downstream: what it produces plus
 * everything that reaches it, since processors pass on what they do not
 * handle. Needs an acyclic flow (cycles are rejected before this runs).
 * Iterative (a node is finished once all its sources are), so a long chain
 * cannot overflow the call stack.
 */
export function outgoingFrameTypes(
  graph: Pick<GraphDocument, 'nodes' | 'edges'>,
  catalogue: Pick<NodeCatalogue, 'info'>,
): Map<string, Set<string>> {
  const types = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (isToolEdge(e)) continue;
    const list = incoming.get(e.target);
    if (list) list.push(e.source);
    else incoming.set(e.target, [e.source]);
  }
  const produces = (id: string) => catalogue.info(types.get(id) ?? '')?.produces ?? [];
  const memo = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  for (const node of graph.nodes) {
    const stack = [node.id];
    while (stack.length > 0) {
      const id = stack[stack.length - 1];
      if (memo.has(id)) {
        stack.pop();
        continue;
      }
      visiting.add(id);
      // defensive: a source still being visited closes a cycle and contributes nothing new
      const waiting = (incoming.get(id) ?? []).filter(
        (source) => !memo.has(source) && !visiting.has(source),
      );
      if (waiting.length > 0) {
        stack.push(...waiting);
        continue;
      }
      const out = new Set<string>(produces(id));
      for (const source of incoming.get(id) ?? [])
        for (const t of memo.get(source) ?? produces(source)) out.add(t);
      memo.set(id, out);
      visiting.delete(id);
      stack.pop();
    }
  }
  return memo;
}
