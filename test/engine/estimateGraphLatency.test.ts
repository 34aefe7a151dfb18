import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { estimateGraphLatency } from '../../engine/graph/estimateGraphLatency.ts';
import type { GraphDocument, GraphNode } from '../../engine/graph/GraphDocument.ts';
import { resolveLatency } from '../../engine/graph/NodeLatency.ts';
import type { NodeTypeInfo } from '../../engine/graph/NodeTypeInfo.ts';

// What the editor gets: the registry's node types after a trip through JSON (/api/node-types).
const nodeTypes = JSON.parse(JSON.stringify(createDefaultRegistry().list())) as NodeTypeInfo[];

function graph(name: string): GraphDocument {
  return JSON.parse(
    readFileSync(new URL(`../../graphs/${name}.json`, import.meta.url), 'utf8'),
  ) as GraphDocument;
}

function withConfig(
  doc: GraphDocument,
  nodeId: string,
  config: Record<string, unknown>,
): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.id === nodeId ? { ...n, config: { ...n.config, ...config } } : n,
    ),
  };
}

/** Puts `node` between `from` and `to`, replacing the edge that joined them. */
function insertBetween(
  doc: GraphDocument,
  node: GraphNode,
  from: string,
  to: string,
): GraphDocument {
  return {
    ...doc,
    nodes: [...doc.nodes, node],
    edges: [
      ...doc.edges.filter((e) => !(e.source === from && e.target === to)),
      { id: `${from}-${node.id}`, source: from, target: node.id },
      { id: `${node.id}-${to}`, source: node.id, target: to },
    ],
  };
}

const vadHop = (estimate: ReturnType<typeof estimateGraphLatency>) =>
  estimate.hops.find((h) => h.nodeId === 'vad');

const summary = (doc: GraphDocument, types = nodeTypes) =>
  estimateGraphLatency(doc, types).hops.map((h) => [h.nodeId, h.stage, h.ms, h.basis]);

describe('estimateGraphLatency', () => {
  it('walks the default offline graph from audio in to audio out', () => {
    const estimate = estimateGraphLatency(graph('voice-agent'), nodeTypes);
    expect(estimate.path).toEqual([
      'in',
      'level',
      'denoise',
      'vad',
      'stt',
      'user',
      'llm',
      'assistant',
      'sentences',
      'tts',
      'out',
    ]);
    expect(summary(graph('voice-agent'))).toEqual([
      // RNNoise's frame, its 48 kHz frame filling and the resamplers; level normalisation adds none.
      ['denoise', 'vad', 22.5, 'typical'],
      // stopMs 300 in whole 32 ms Silero windows: 10 windows.
      ['vad', 'vad', 320, 'config'],
      ['stt', 'stt', 10, 'typical'],
      ['llm', 'llm', 1, 'typical'],
      ['tts', 'tts', 160, 'typical'],
      ['out', 'output', 0, 'typical'],
    ]);
    expect(estimate.totalMs).toBe(513.5);
    expect(estimate.hops.filter((h) => h.slowest).map((h) => h.nodeId)).toEqual(['vad']);
    expect(estimate.pathCount).toBe(1);
    expect(estimate.undeclared).toEqual([]);
    expect(estimate.problem).toBeUndefined();
    // Local figures name the bench measurement they come from.
    expect(estimate.hops.find((h) => h.nodeId === 'stt')!.source).toMatch(
      /bench offline: sttFinalDelayMs/,
    );
    expect(estimate.hops.find((h) => h.nodeId === 'tts')!.source).toMatch(/ttsFirstAudioMs/);
  });

  it('follows the VAD config, and the schema default when the graph sets none', () => {
    const doc = graph('voice-agent');
    expect(estimateGraphLatency(withConfig(doc, 'vad', { stopMs: 500 }), nodeTypes).totalMs).toBe(
      513.5 - 320 + 512,
    );
    const unset = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === 'vad' ? { ...n, config: {} } : n)),
    };
    expect(vadHop(estimateGraphLatency(unset, nodeTypes))).toMatchObject({
      ms: 320,
      basis: 'config',
    });
    // Mid-edit, the form may hold something that is not a number: the typical figure stands in, and says so.
    expect(
      vadHop(estimateGraphLatency(withConfig(doc, 'vad', { stopMs: '' }), nodeTypes)),
    ).toMatchObject({ ms: 320, basis: 'typical' });
  });

  it('adds the smart end-of-turn hold only in smart mode, with its worst case from config', () => {
    const smart = withConfig(graph('voice-agent'), 'user', {
      endOfTurn: 'smart',
      incompleteExtraMs: 450,
    });
    const hold = estimateGraphLatency(smart, nodeTypes).hops.find((h) => h.stage === 'turn');
    expect(hold).toMatchObject({ nodeId: 'user', ms: 0, upToMs: 450 });
    expect(
      estimateGraphLatency(graph('voice-agent'), nodeTypes).hops.some((h) => h.stage === 'turn'),
    ).toBe(false);
  });

  it('estimates a cloud cascade from the providers’ published figures', () => {
    const estimate = estimateGraphLatency(graph('deepgram-openai'), nodeTypes);
    expect(summary(graph('deepgram-openai'))).toEqual([
      ['vad', 'vad', 320, 'config'],
      ['stt', 'stt', 300, 'typical'],
      ['llm', 'llm', 400, 'typical'],
      ['llm', 'sentence', 180, 'typical'],
      ['tts', 'tts', 200, 'typical'],
      ['out', 'output', 0, 'typical'],
    ]);
    expect(estimate.totalMs).toBe(1400);
    expect(estimate.hops.find((h) => h.slowest)).toMatchObject({ nodeId: 'llm', stage: 'llm' });
    expect(estimate.hops.find((h) => h.nodeId === 'tts')!.source).toMatch(/Deepgram publishes/);
    // Where a provider publishes nothing, the figure says so instead of pretending.
    expect(estimate.hops.find((h) => h.stage === 'llm')!.source).toMatch(
      /publishes no latency figures/,
    );
  });

  it('reads a speech-to-speech node’s silence window from its config', () => {
    const doc = withConfig(graph('openai-realtime'), 's2s', { silenceDurationMs: 200 });
    expect(summary(doc)).toEqual([
      ['s2s', 'vad', 200, 'config'],
      ['s2s', 'llm', 320, 'typical'],
      ['out', 'output', 0, 'typical'],
    ]);
  });

  it('budgets for the slowest of parallel branches and ignores tool edges', () => {
    // A second, faster voice on a parallel branch: sentences → espeak → out.
    const base = graph('voice-agent');
    const doc: GraphDocument = {
      ...base,
      nodes: [...base.nodes, { id: 'fast', type: 'tts.espeak', config: {} }],
      edges: [
        ...base.edges,
        { id: 'sentences-fast', source: 'sentences', target: 'fast' },
        { id: 'fast-out', source: 'fast', target: 'out' },
      ],
    };
    const estimate = estimateGraphLatency(doc, nodeTypes);
    expect(estimate.pathCount).toBe(2);
    expect(estimate.path).toContain('tts');
    expect(estimate.path).not.toContain('fast');
    expect(estimate.totalMs).toBe(513.5);
    expect(estimate.path).not.toContain('weather');
    // Make the flite branch the fast one: the estimate moves to the espeak branch.
    const swapped = {
      ...doc,
      nodes: doc.nodes.map((n) =>
        n.id === 'tts'
          ? { ...n, type: 'tts.deepgram' }
          : n.id === 'fast'
            ? { ...n, type: 'tts.openai' }
            : n,
      ),
    };
    expect(estimateGraphLatency(swapped, nodeTypes).path).toContain('fast');
  });

  it('counts a node type that declares nothing as 0 ms and names it', () => {
    const custom: NodeTypeInfo = {
      ...nodeTypes.find((t) => t.type === 'text.sentences')!,
      type: 'custom.filter',
      title: 'Profanity filter',
    };
    delete (custom as { latency?: unknown }).latency;
    const doc = insertBetween(
      graph('voice-agent'),
      { id: 'filter', type: 'custom.filter', config: {} },
      'sentences',
      'tts',
    );
    const estimate = estimateGraphLatency(doc, [...nodeTypes, custom]);
    expect(estimate.path).toContain('filter');
    expect(estimate.undeclared).toEqual(['filter']);
    expect(estimate.totalMs).toBe(513.5);
    // Pass-throughs that declare `[]` are known to add nothing and are not listed.
    expect(estimate.undeclared).not.toContain('assistant');
  });

  it('says why when there is nothing to estimate', () => {
    const doc = graph('voice-agent');
    expect(
      estimateGraphLatency(
        { nodes: doc.nodes.filter((n) => n.id !== 'out'), edges: doc.edges },
        nodeTypes,
      ).problem,
    ).toMatch(/no transport.output/);
    expect(
      estimateGraphLatency(
        { nodes: doc.nodes.filter((n) => n.id !== 'in'), edges: doc.edges },
        nodeTypes,
      ).problem,
    ).toMatch(/no transport.input/);
    const cut = estimateGraphLatency(
      { nodes: doc.nodes, edges: doc.edges.filter((e) => e.id !== 'stt-user') },
      nodeTypes,
    );
    expect(cut.problem).toMatch(/no path/);
    expect(cut.hops).toEqual([]);
  });

  it('survives a cycle in a graph that is still being edited', () => {
    const doc = graph('voice-agent');
    const cyclic = {
      nodes: doc.nodes,
      edges: [...doc.edges, { id: 'loop', source: 'tts', target: 'stt' }],
    };
    expect(estimateGraphLatency(cyclic, nodeTypes).totalMs).toBe(513.5);
  });
});

describe('node type latency declarations', () => {
  it('every built-in processor declares its latency (an empty list for pass-throughs)', () => {
    const missing = nodeTypes
      .filter((t) => t.kind === 'processor' && !t.latency)
      .map((t) => t.type);
    expect(missing).toEqual([]);
  });

  it('resolves config figures in whole steps, and only when their condition holds', () => {
    const terms = [
      {
        stage: 'vad' as const,
        label: 'stop',
        fromConfig: { key: 'stopMs', stepMs: 32 },
        typicalMs: 320,
        source: 's',
        when: { mode: 'on' },
      },
    ];
    expect(resolveLatency(terms, { stopMs: 300, mode: 'on' })).toEqual([
      { stage: 'vad', label: 'stop', ms: 320, basis: 'config', source: 's' },
    ]);
    expect(resolveLatency(terms, { stopMs: 330, mode: 'on' })[0].ms).toBe(352);
    expect(resolveLatency(terms, { stopMs: 300, mode: 'off' })).toEqual([]);
  });
});
