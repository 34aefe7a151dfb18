import { describe, expect, it } from 'vitest';
import {
  type ConnectionContext,
  checkConnection,
  isValidConnection,
} from '../../editor/src/graph/isValidConnection.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';

const catalogue = loadCatalogue();

function context(
  nodes: Array<[string, string]>,
  edges: Array<[string, string, string?]>,
): ConnectionContext {
  return {
    nodes: nodes.map(([id, type]) => ({ id, type })),
    edges: edges.map(([source, target, targetHandle]) => ({
      source,
      target,
      targetHandle: targetHandle ?? null,
    })),
    catalogue,
  };
}

const chain = context(
  [
    ['in', 'transport.input'],
    ['vad', 'vad.silero'],
    ['stt', 'stt.pocketsphinx'],
    ['user', 'context.user'],
    ['llm', 'llm.rules'],
    ['weather', 'tool.weather'],
    ['tts', 'tts.flite'],
    ['sentences', 'text.sentences'],
    ['out', 'transport.output'],
  ],
  [
    ['in', 'vad'],
    ['vad', 'stt'],
    ['stt', 'user'],
  ],
);

describe('checkConnection', () => {
  it('accepts a wire whose target consumes what reaches the source, and says what it carries', () => {
    const verdict = checkConnection({ source: 'user', target: 'llm' }, chain);
    expect(verdict).toEqual({
      ok: true,
      types: ['llm.context', 'llm.context.preemptive', 'llm.context.discard', 'context.summarize'],
    });
  });

  it('counts frames passed through upstream nodes, not only what the source produces', () => {
    // stt produces transcripts, but audio.in from the VAD passes through it.
    const verdict = checkConnection({ source: 'stt', target: 'tts' }, chain);
    expect(verdict.ok).toBe(false);
    expect(checkConnection({ source: 'stt', target: 'out' }, chain).ok).toBe(true);
    const vadToStt = checkConnection({ source: 'in', target: 'stt' }, { ...chain, edges: [] });
    expect(vadToStt).toMatchObject({ ok: true, types: ['audio.in'] });
  });

  it('refuses a target that consumes nothing that can reach it, naming both sides', () => {
    const verdict = checkConnection({ source: 'vad', target: 'tts' }, chain);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toContain('tts.text');
      expect(verdict.reason).toContain("'vad'");
    }
  });

  it('refuses cycles', () => {
    const verdict = checkConnection({ source: 'user', target: 'vad' }, chain);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(/loop/);
  });

  it('refuses self-loops and duplicates', () => {
    expect(checkConnection({ source: 'vad', target: 'vad' }, chain).ok).toBe(false);
    const dup = checkConnection({ source: 'in', target: 'vad' }, chain);
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.reason).toMatch(/already connected/);
  });

  it('refuses input into transport.input', () => {
    const verdict = checkConnection({ source: 'vad', target: 'in' }, chain);
    expect(verdict.ok).toBe(false);
  });

  it('lets tool nodes connect only to the tools handle of a node that accepts tools', () => {
    expect(
      checkConnection({ source: 'weather', target: 'llm', targetHandle: 'tools' }, chain),
    ).toEqual({ ok: true, types: [] });
    const intoFlow = checkConnection(
      { source: 'weather', target: 'llm', targetHandle: null },
      chain,
    );
    expect(intoFlow.ok).toBe(false);
    if (!intoFlow.ok) expect(intoFlow.reason).toMatch(/tools handle/);
    expect(
      checkConnection({ source: 'weather', target: 'tts', targetHandle: 'tools' }, chain).ok,
    ).toBe(false);
    expect(checkConnection({ source: 'weather', target: 'tts' }, chain).ok).toBe(false);
  });

  it('refuses non-tool nodes on a tools handle and frames into a tool', () => {
    const intoTools = checkConnection(
      { source: 'user', target: 'llm', targetHandle: 'tools' },
      chain,
    );
    expect(intoTools.ok).toBe(false);
    if (!intoTools.ok) expect(intoTools.reason).toMatch(/only tool nodes/);
    expect(checkConnection({ source: 'user', target: 'weather' }, chain).ok).toBe(false);
  });

  it('accepts anything into a node that consumes *', () => {
    expect(checkConnection({ source: 'vad', target: 'out' }, chain)).toMatchObject({ ok: true });
  });

  it('rejects unknown nodes and missing ends', () => {
    expect(isValidConnection({ source: null, target: 'vad' }, chain)).toBe(false);
    expect(isValidConnection({ source: 'ghost', target: 'vad' }, chain)).toBe(false);
  });

  it('agrees with every edge of the default graph', () => {
    const doc = voiceAgent();
    const nodes = doc.nodes.map((n) => ({ id: n.id, type: n.type }));
    for (const edge of doc.edges) {
      const others = doc.edges.filter((e) => e !== edge);
      const verdict = checkConnection(edge, { nodes, edges: others, catalogue });
      expect(verdict, `${edge.id}`).toMatchObject({ ok: true });
    }
  });
});
