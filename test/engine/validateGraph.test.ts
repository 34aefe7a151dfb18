import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION } from '../../engine/graph/GraphDocument.ts';
import { GRAPH_LIMITS } from '../../engine/graph/graphBounds.ts';
import {
  type GraphIssue,
  outgoingFrameTypes,
  validateGraph,
} from '../../engine/graph/validateGraph.ts';
import { chainGraph, testRegistry } from '../helpers/testProcessors.ts';

const registry = testRegistry();

function errorsOf(doc: unknown): GraphIssue[] {
  const result = validateGraph(doc, registry);
  if (result.ok) throw new Error('expected the graph to be invalid');
  return result.errors;
}

type Doc = ReturnType<typeof chainGraph>;
function mutate(fn: (doc: Doc) => void): Doc {
  const doc = chainGraph([
    { id: 'slow', type: 'test.slow' },
    { id: 'up', type: 'test.upper' },
  ]);
  fn(doc);
  return doc;
}

describe('validateGraph', () => {
  it('accepts a valid graph and fills config defaults', () => {
    const result = validateGraph(chainGraph([{ id: 'slow', type: 'test.slow' }]), registry);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.graph.nodes[1].config).toEqual({ delayMs: 50, flavour: 'plain' });
  });

  it('reports text that is not JSON', () => {
    const [e] = errorsOf('{"version": 1, "nodes": [');
    expect(e.code).toBe('invalid-json');
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('reports a wrong version', () => {
    const [e] = errorsOf(mutate((d) => ((d as { version: number }).version = GRAPH_VERSION + 1)));
    expect(e).toMatchObject({ code: 'unsupported-version', path: 'version' });
  });

  it('reports a malformed node with its id and path', () => {
    const errors = errorsOf(mutate((d) => ((d.nodes[1] as { type: unknown }).type = 42)));
    expect(errors[0]).toMatchObject({
      code: 'invalid-shape',
      path: 'nodes[1].type',
      nodeId: 'slow',
    });
  });

  it('reports an unknown node type', () => {
    const [e] = errorsOf(mutate((d) => (d.nodes[1].type = 'vad.nonexistent')));
    expect(e).toMatchObject({ code: 'unknown-node-type', nodeId: 'slow', path: 'nodes[1].type' });
    expect(e.message).toContain("'vad.nonexistent'");
  });

  it('reports a bad config value with node id and JSON path', () => {
    const [e] = errorsOf(mutate((d) => (d.nodes[1].config = { delayMs: -5 })));
    expect(e).toMatchObject({
      code: 'invalid-config',
      nodeId: 'slow',
      path: 'nodes[1].config.delayMs',
    });
    expect(e.message).toMatch(/^node 'slow': config\.delayMs: /);
  });

  it('reports a dangling edge', () => {
    const errors = errorsOf(mutate((d) => (d.edges[1].target = 'ghost')));
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'dangling-edge', edgeId: 'e1', path: 'edges[1].target' }),
    );
  });

  it('reports duplicate node ids', () => {
    const errors = errorsOf(mutate((d) => (d.nodes[2].id = 'slow')));
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'duplicate-node-id', nodeId: 'slow', path: 'nodes[2].id' }),
    );
  });

  it('reports a cycle', () => {
    const errors = errorsOf(
      mutate((d) => d.edges.push({ id: 'back', source: 'up', target: 'slow' })),
    );
    expect(errors).toContainEqual(expect.objectContaining({ code: 'cycle', edgeId: 'back' }));
  });

  it('reports missing transport nodes', () => {
    const errors = errorsOf(
      mutate((d) => {
        d.nodes = d.nodes.filter((n) => n.id !== 'out');
        d.edges = d.edges.filter((e) => e.target !== 'out');
      }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({
        code: 'missing-transport',
        message: 'graph has no transport.output node',
      }),
    );
  });

  it('reports an edge between incompatible nodes', () => {
    const doc = chainGraph([{ id: 'up', type: 'test.upper' }]);
    doc.nodes.splice(1, 0, { id: 'llm', type: 'test.llm', config: {} });
    doc.edges = [
      { id: 'a', source: 'in', target: 'llm' },
      { id: 'b', source: 'llm', target: 'up' },
      { id: 'c', source: 'up', target: 'out' },
      { id: 'd', source: 'in', target: 'up' },
    ];
    const errors = errorsOf(doc);
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'incompatible-edge', edgeId: 'd', nodeId: 'up' }),
    );
  });

  it('reports tools connected anywhere but a tools handle, and hosts that take none', () => {
    const doc = mutate((d) => {
      d.nodes.push({ id: 'tool', type: 'test.tool', config: {} });
      d.edges.push({ id: 't1', source: 'tool', target: 'up', targetHandle: 'tools' } as never);
      d.edges.push({ id: 't2', source: 'tool', target: 'slow' });
    });
    const errors = errorsOf(doc);
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'invalid-tool-edge', edgeId: 't1', nodeId: 'up' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'tool-in-flow', edgeId: 't2', nodeId: 'tool' }),
    );
  });

  it('reports nodes that no frame can reach', () => {
    const errors = errorsOf(
      mutate((d) => d.nodes.push({ id: 'island', type: 'test.pass', config: {} })),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'unreachable', nodeId: 'island', path: 'nodes[4]' }),
    );
  });

  it('warns about a tool nobody uses without failing', () => {
    const result = validateGraph(
      mutate((d) => d.nodes.push({ id: 'tool', type: 'test.tool', config: {} })),
      registry,
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'unused-tool', nodeId: 'tool' }),
    );
  });
});

describe('validateGraph bounds: big or deep documents get one clear error, never a stack overflow', () => {
  const passes = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ id: `p${i}`, type: 'test.pass' }));

  it('validates a chain at the node limit, iteratively', () => {
    const result = validateGraph(chainGraph(passes(GRAPH_LIMITS.maxNodes - 2)), registry);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('refuses more nodes than the limit without looking further', () => {
    expect(errorsOf(chainGraph(passes(5000)))).toEqual([
      expect.objectContaining({
        code: 'too-large',
        path: 'nodes',
        message: `graph has 5002 nodes; the limit is ${GRAPH_LIMITS.maxNodes}`,
      }),
    ]);
  });

  it('refuses more edges than the limit', () => {
    const doc = chainGraph(passes(3));
    doc.edges = Array.from({ length: GRAPH_LIMITS.maxEdges + 1 }, (_, i) => ({
      id: `x${i}`,
      source: 'in',
      target: 'out',
    }));
    expect(errorsOf(doc)[0]).toMatchObject({ code: 'too-large', path: 'edges' });
  });

  it('refuses deep nesting anywhere, naming the node and where it starts', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const doc = mutate((d) => ((d.nodes[1] as { ui?: unknown }).ui = { notes: deep }));
    const [e] = errorsOf(doc);
    expect(e).toMatchObject({ code: 'too-deep', nodeId: 'slow' });
    expect(e.path.startsWith('nodes[1].ui.notes[0][0]')).toBe(true);
    expect(e.message).toBe(
      `node 'slow': nodes[1].ui.notes[0][0]… nests deeper than ${GRAPH_LIMITS.maxDepth} levels, the limit for a graph document`,
    );
    // The same from JSON text (what the store reads from disk).
    const text = `{"version":1,"name":"t","nodes":${'['.repeat(100_000)}${']'.repeat(100_000)},"edges":[]}`;
    expect(errorsOf(text)[0]).toMatchObject({
      code: 'too-deep',
      path: expect.stringMatching(/^nodes\[0\]/),
    });
  });

  it('refuses over-long strings and documents with too many values', () => {
    const long = mutate(
      (d) =>
        ((d.nodes[1].config as Record<string, unknown>).note = 'x'.repeat(
          GRAPH_LIMITS.maxStringChars + 1,
        )),
    );
    expect(errorsOf(long)[0]).toMatchObject({
      code: 'too-large',
      path: 'nodes[1].config.note',
      nodeId: 'slow',
    });
    const many = mutate(
      (d) =>
        ((d.nodes[1] as { ui?: unknown }).ui = {
          points: new Array(GRAPH_LIMITS.maxValues).fill(0),
        }),
    );
    expect(errorsOf(many)[0]).toMatchObject({
      code: 'too-large',
      message: expect.stringContaining(`more than ${GRAPH_LIMITS.maxValues} JSON values`),
    });
  });

  it('computes frame types along a 50,000-node chain without recursion', () => {
    const doc = chainGraph(passes(50_000));
    const leaving = outgoingFrameTypes(doc, registry);
    expect(leaving.size).toBe(50_002);
  });
});
