/**
 * The editor validates with a catalogue rebuilt from `/api/node-types`; the
 * server with its registry. Same graph in, same problems out.
 */
import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../editor/src/catalogue/createCatalogue.ts';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import { nodeTypes, voiceAgent } from './fixtures/loadCatalogue.ts';

const registry = createDefaultRegistry();
// Exactly what /api/node-types serves, so the comparison never runs on a stale snapshot.
const catalogue = createCatalogue(
  registry.list().map((info) => ({ ...info, credentialsPresent: {} })),
);

function summary(doc: unknown, cat: Parameters<typeof validateGraph>[1]) {
  const result = validateGraph(doc, cat);
  const errors = result.ok ? [] : result.errors;
  return [...errors, ...result.warnings]
    .map((i) => `${i.severity}:${i.code}:${i.path}:${i.nodeId ?? ''}`)
    .sort();
}

function broken(mutate: (doc: GraphDocument) => void): GraphDocument {
  const doc = voiceAgent();
  mutate(doc);
  return doc;
}

describe('client-side catalogue', () => {
  it('the component tests’ snapshot still lists the registry’s types', () => {
    expect(
      registry
        .list()
        .map((t) => t.type)
        .sort(),
    ).toEqual(nodeTypes.map((t) => t.type).sort());
  });

  it('fills defaults like the server', () => {
    const result = catalogue.validateConfig('vad.silero', { stopMs: 500 });
    expect(result).toMatchObject({ ok: true, value: { stopMs: 500, confidence: 0.6 } });
  });

  const cases: Array<[string, GraphDocument]> = [
    ['valid default graph', voiceAgent()],
    [
      'config out of range',
      broken((d) => (d.nodes[1].config = { stopMs: 99000, confidence: 'high' })),
    ],
    ['bad enum', broken((d) => (d.nodes.find((n) => n.id === 'tts')!.config = { voice: 'nope' }))],
    [
      'bad url',
      broken((d) => (d.nodes.find((n) => n.id === 'weather')!.config = { baseUrl: 'not a url' })),
    ],
    ['unknown type', broken((d) => (d.nodes[2].type = 'stt.nope'))],
    ['cycle', broken((d) => d.edges.push({ id: 'loop', source: 'tts', target: 'vad' }))],
    ['incompatible', broken((d) => d.edges.push({ id: 'bad', source: 'vad', target: 'tts' }))],
    ['tool in flow', broken((d) => d.edges.push({ id: 'tf', source: 'weather', target: 'tts' }))],
    ['unreachable', broken((d) => (d.edges = d.edges.filter((e) => e.id !== 'vad-stt')))],
    ['unused tool', broken((d) => (d.edges = d.edges.filter((e) => e.id !== 'weather-llm')))],
  ];
  for (const [name, doc] of cases) {
    it(`reports the same problems as the server: ${name}`, () => {
      expect(summary(doc, catalogue)).toEqual(summary(doc, registry));
    });
  }
});
