/**
 * The audio front end placed where it belongs in the offline default graph:
 * transport in → noise suppression → level normalisation → VAD → STT. The
 * graph validates, and the editor's latency estimate counts the denoiser's
 * delay (and only while it is on).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import { estimateGraphLatency } from '../../../engine/graph/estimateGraphLatency.ts';
import type { GraphDocument } from '../../../engine/graph/GraphDocument.ts';
import { validateGraph } from '../../../engine/graph/validateGraph.ts';

const DEFAULT_GRAPH = new URL('../../../graphs/voice-agent.json', import.meta.url);

function withFrontEnd(denoiseConfig: Record<string, unknown> = {}): GraphDocument {
  const graph = JSON.parse(readFileSync(DEFAULT_GRAPH, 'utf8')) as GraphDocument;
  const position = { x: 0, y: 0 };
  graph.nodes.push(
    { id: 'denoise', type: 'audio.denoise', config: denoiseConfig, position },
    { id: 'level', type: 'audio.normalize', config: {}, position },
  );
  graph.edges = graph.edges.filter((e) => !(e.source === 'in' && e.target === 'vad'));
  graph.edges.push(
    { id: 'in-denoise', source: 'in', target: 'denoise' },
    { id: 'denoise-level', source: 'denoise', target: 'level' },
    { id: 'level-vad', source: 'level', target: 'vad' },
  );
  return graph;
}

describe('the audio front end in the default graph', () => {
  const registry = createDefaultRegistry();

  it('validates between transport in and the VAD', () => {
    const result = validateGraph(withFrontEnd(), registry);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('adds the denoiser’s 22.5 ms to the latency estimate while it is on', () => {
    const plain = estimateGraphLatency(
      JSON.parse(readFileSync(DEFAULT_GRAPH, 'utf8')) as GraphDocument,
      registry.list(),
    );
    const on = estimateGraphLatency(withFrontEnd(), registry.list());
    const off = estimateGraphLatency(withFrontEnd({ enabled: false }), registry.list());
    expect(on.totalMs - plain.totalMs).toBeCloseTo(22.5, 5);
    expect(off.totalMs).toBeCloseTo(plain.totalMs, 5);
    expect(on.undeclared).toEqual(plain.undeclared);
  });
});
