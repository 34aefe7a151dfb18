/**
 * The audio front end where the offline default graph has it: transport in →
 * level normalisation → noise suppression → VAD → STT. The graph validates,
 * and the editor's latency estimate counts the denoiser's delay (and only
 * while it is on).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import { estimateGraphLatency } from '../../../engine/graph/estimateGraphLatency.ts';
import type { GraphDocument } from '../../../engine/graph/GraphDocument.ts';
import { validateGraph } from '../../../engine/graph/validateGraph.ts';

const DEFAULT_GRAPH = new URL('../../../graphs/voice-agent.json', import.meta.url);

const shipped = () => JSON.parse(readFileSync(DEFAULT_GRAPH, 'utf8')) as GraphDocument;

function withDenoise(config: Record<string, unknown>): GraphDocument {
  const graph = shipped();
  const node = graph.nodes.find((n) => n.type === 'audio.denoise');
  if (!node) throw new Error('the default graph has no audio.denoise node');
  node.config = { ...node.config, ...config };
  return graph;
}

describe('the audio front end in the default graph', () => {
  const registry = createDefaultRegistry();

  it('runs transport in → normalize → denoise → VAD, and validates', () => {
    const graph = shipped();
    const next = (id: string) => graph.edges.find((e) => e.source === id)?.target;
    const typeOf = (id: string | undefined) => graph.nodes.find((n) => n.id === id)?.type;
    const chain = ['in'];
    while (chain.length < 5) chain.push(next(chain.at(-1)!) ?? '');
    expect(chain.map(typeOf)).toEqual([
      'transport.input',
      'audio.normalize',
      'audio.denoise',
      'vad.silero',
      'stt.pocketsphinx',
    ]);
    const result = validateGraph(graph, registry);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('adds the denoiser’s 22.5 ms to the latency estimate while it is on', () => {
    const on = estimateGraphLatency(shipped(), registry.list());
    const off = estimateGraphLatency(withDenoise({ enabled: false }), registry.list());
    expect(on.totalMs - off.totalMs).toBeCloseTo(22.5, 5);
    expect(on.undeclared).toEqual(off.undeclared);
  });
});
