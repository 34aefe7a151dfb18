import { describe, expect, it } from 'vitest';
import { validateGraph, type GraphIssue } from '../../engine/graph/validateGraph.ts';
import { chainGraph, testRegistry } from '../helpers/testProcessors.ts';

const registry = testRegistry();

function errorsOf(doc: unknown): GraphIssue[] {
  const result = validateGraph(doc, registry);
  if (result.ok) throw new Error('expected the graph to be invalid');
  return result.errors;
}

type Doc = ReturnType<typeof chainGraph>;
function mutate(fn: (doc: Doc) => void): Doc {
  const doc = chainGraph([{ id: 'slow', type: 'test.slow' }, { id: 'up', type: 'test.upper' }]);
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
    const [e] = errorsOf(mutate((d) => ((d as { version: number }).version = 2)));
    expect(e).toMatchObject({ code: 'unsupported-version', path: 'version' });
  });

  it('reports a malformed node with its id and path', () => {
    const errors = errorsOf(mutate((d) => ((d.nodes[1] as { type: unknown }).type = 42)));
    expect(errors[0]).toMatchObject({ code: 'invalid-shape', path: 'nodes[1].type', nodeId: 'slow' });
  });

  it('reports an unknown node type', () => {
    const [e] = errorsOf(mutate((d) => (d.nodes[1].type = 'vad.nonexistent')));
    expect(e).toMatchObject({ code: 'unknown-node-type', nodeId: 'slow', path: 'nodes[1].type' });
    expect(e.message).toContain("'vad.nonexistent'");
  });

  it('reports a bad config value with node id and JSON path', () => {
    const [e] = errorsOf(mutate((d) => (d.nodes[1].config = { delayMs: -5 })));
    expect(e).toMatchObject({ code: 'invalid-config', nodeId: 'slow', path: 'nodes[1].config.delayMs' });
    expect(e.message).toMatch(/^node 'slow': config\.delayMs: /);
  });

  it('reports a dangling edge', () => {
    const errors = errorsOf(mutate((d) => (d.edges[1].target = 'ghost')));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'dangling-edge', edgeId: 'e1', path: 'edges[1].target' }));
  });

  it('reports duplicate node ids', () => {
    const errors = errorsOf(mutate((d) => (d.nodes[2].id = 'slow')));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'duplicate-node-id', nodeId: 'slow', path: 'nodes[2].id' }));
  });

  it('reports a cycle', () => {
    const errors = errorsOf(mutate((d) => d.edges.push({ id: 'back', source: 'up', target: 'slow' })));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'cycle', edgeId: 'back' }));
  });

  it('reports missing transport nodes', () => {
    const errors = errorsOf(mutate((d) => {
      d.nodes = d.nodes.filter((n) => n.id !== 'out');
      d.edges = d.edges.filter((e) => e.target !== 'out');
    }));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'missing-transport', message: 'graph has no transport.output node' }));
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
    expect(errors).toContainEqual(expect.objectContaining({ code: 'incompatible-edge', edgeId: 'd', nodeId: 'up' }));
  });

  it('reports tools connected anywhere but a tools handle, and hosts that take none', () => {
    const doc = mutate((d) => {
      d.nodes.push({ id: 'tool', type: 'test.tool', config: {} });
      d.edges.push({ id: 't1', source: 'tool', target: 'up', targetHandle: 'tools' } as never);
      d.edges.push({ id: 't2', source: 'tool', target: 'slow' });
    });
    const errors = errorsOf(doc);
    expect(errors).toContainEqual(expect.objectContaining({ code: 'invalid-tool-edge', edgeId: 't1', nodeId: 'up' }));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'tool-in-flow', edgeId: 't2', nodeId: 'tool' }));
  });

  it('reports nodes that no frame can reach', () => {
    const errors = errorsOf(mutate((d) => d.nodes.push({ id: 'island', type: 'test.pass', config: {} })));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'unreachable', nodeId: 'island', path: 'nodes[4]' }));
  });

  it('warns about a tool nobody uses without failing', () => {
    const result = validateGraph(mutate((d) => d.nodes.push({ id: 'tool', type: 'test.tool', config: {} })), registry);
    expect(result.ok).toBe(true);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'unused-tool', nodeId: 'tool' }));
  });
});
