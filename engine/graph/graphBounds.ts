/**
 * Size limits of a graph document, checked before anything else looks at
 * it. Browser-safe. Validation, the store, the runner and JSON.stringify
 * all walk a graph, several of them recursively; a document posted by a
 * client could otherwise be 5,000 nodes long or 200,000 levels deep and
 * turn each of those walks into a stall or a stack overflow. Real graphs sit
 * far inside every limit: the shipped ones have ~10 nodes, nest 8 levels
 * deep (`nodes[i].config.intents[j].tool.arguments`) and their longest
 * string is a system prompt (at most 20,000 characters by its schema).
 */
export const GRAPH_LIMITS = {
  /** A voice pipeline is a dozen nodes; an editor canvas of hundreds is already unreadable. */
  maxNodes: 500,
  /** Fan-out and tool edges included: four per node on average. */
  maxEdges: 2000,
  /** Arrays and objects inside one another, from the document down (`{"nodes":[{` is 3). */
  maxDepth: 32,
  /** One string (a key or a value): five times the longest prompt a node accepts. */
  maxStringChars: 100_000,
  /** JSON values in the whole document: a 1 MB body holds at most ~250,000, a real graph a few hundred. */
  maxValues: 100_000,
} as const;

export interface GraphBoundsProblem {
  /** `too-deep` for nesting, `too-large` for counts and lengths. */
  code: 'too-deep' | 'too-large';
  /** Where the limit was passed, as a JSON path from the document. */
  path: Array<string | number>;
  message: string;
}

interface Pending {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Pending | undefined;
}

/**
 * The first limit `document` passes, or undefined. One iterative pass with
 * no recursion, stopping at the first problem, so its own cost is bounded
 * by `maxValues` whatever the input.
 */
export function findGraphBoundsProblem(document: unknown): GraphBoundsProblem | undefined {
  const counts = topLevelCounts(document);
  if (counts.nodes > GRAPH_LIMITS.maxNodes) {
    return {
      code: 'too-large',
      path: ['nodes'],
      message: `graph has ${counts.nodes} nodes; the limit is ${GRAPH_LIMITS.maxNodes}`,
    };
  }
  if (counts.edges > GRAPH_LIMITS.maxEdges) {
    return {
      code: 'too-large',
      path: ['edges'],
      message: `graph has ${counts.edges} edges; the limit is ${GRAPH_LIMITS.maxEdges}`,
    };
  }
  const stack: Pending[] = [{ value: document, depth: 0, key: undefined, parent: undefined }];
  let values = 0;
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (++values > GRAPH_LIMITS.maxValues) {
      return {
        code: 'too-large',
        path: [],
        message: `graph document holds more than ${GRAPH_LIMITS.maxValues} JSON values`,
      };
    }
    const { value } = current;
    if (typeof value === 'string') {
      if (value.length > GRAPH_LIMITS.maxStringChars)
        return tooLong(current, value.length, 'a string');
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = current.depth + 1;
    if (depth > GRAPH_LIMITS.maxDepth) {
      const path = pathOf(current);
      return {
        code: 'too-deep',
        path,
        message: `${describe(path)} nests deeper than ${GRAPH_LIMITS.maxDepth} levels, the limit for a graph document`,
      };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth, key: i, parent: current });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.length > GRAPH_LIMITS.maxStringChars)
        return tooLong(
          { value: child, depth, key: key.slice(0, 40), parent: current },
          key.length,
          'a key',
        );
      stack.push({ value: child, depth, key, parent: current });
    }
  }
  return undefined;
}

function topLevelCounts(document: unknown): { nodes: number; edges: number } {
  const top =
    typeof document === 'object' && document !== null
      ? (document as { nodes?: unknown; edges?: unknown })
      : {};
  return {
    nodes: Array.isArray(top.nodes) ? top.nodes.length : 0,
    edges: Array.isArray(top.edges) ? top.edges.length : 0,
  };
}

function tooLong(at: Pending, length: number, what: string): GraphBoundsProblem {
  const path = pathOf(at);
  return {
    code: 'too-large',
    path,
    message: `${describe(path)}: ${what} of ${length} characters; the limit is ${GRAPH_LIMITS.maxStringChars}`,
  };
}

function pathOf(at: Pending): Array<string | number> {
  const path: Array<string | number> = [];
  for (let p: Pending | undefined = at; p?.key !== undefined; p = p.parent) path.unshift(p.key);
  return path;
}

function describe(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'the document';
  // Deep paths are the problem being reported: name where they start, not all 32 levels.
  const shown = path
    .slice(0, 6)
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
    .join('')
    .replace(/^\./, '');
  return path.length > 6 ? `${shown}…` : shown;
}
