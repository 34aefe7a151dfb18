/**
 * Graph documents are versioned; a document saved by an older Parley is
 * upgraded wherever it enters, and one from a newer Parley is refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { GRAPH_VERSION } from '../../engine/graph/GraphDocument.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { applyGraph } from '../../engine/graph/HotReloader.ts';
import { GraphVersionError, MIGRATIONS, migrateGraph } from '../../engine/graph/migrateGraph.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';

const root = path.join(import.meta.dirname, '../..');
const registry = createDefaultRegistry();
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const v1VoiceAgent = () => readJson(path.join(root, 'test/fixtures/graphs/v1-voice-agent.json'));

type Node = { id: string; type: string; config: Record<string, unknown> };
type Doc = { version: number; nodes: Node[] };

describe('migrateGraph', () => {
  it('has one step per older version', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual(
      Array.from({ length: GRAPH_VERSION - 1 }, (_, i) => i + 1),
    );
  });

  describe.each(readdirSync(path.join(root, 'graphs')).filter((f) => f.endsWith('.json')))(
    'graphs/%s',
    (file) => {
      const doc = readJson(path.join(root, 'graphs', file));

      it('is saved in the current format, so migrating changes nothing', () => {
        expect(doc).toMatchObject({ version: GRAPH_VERSION });
        expect(migrateGraph(doc)).toBe(doc);
      });

      it('validates', () => {
        const result = validateGraph(migrateGraph(doc), registry);
        expect(result.ok ? [] : result.errors).toEqual([]);
      });
    },
  );

  it('upgrades a version 1 document to exactly the version 2 one', () => {
    const v1 = v1VoiceAgent() as Doc;
    const expected = structuredClone(v1);
    expected.version = 2;
    expected.nodes.find((n) => n.id === 'vad')!.config = { stopMs: 300 };
    expect(v1).toMatchObject({ version: 1 });
    expect(v1.nodes.find((n) => n.id === 'vad')!.config).toEqual({ stopSecs: 0.3 });

    const v2 = migrateGraph(v1);
    expect(v2).toEqual(expected);
    // Key order too: a store that saves the migrated document writes a clean diff.
    expect(JSON.stringify(v2)).toBe(JSON.stringify(expected));
  });

  it('runs a version 1 document through validation in the current format', () => {
    const result = validateGraph(v1VoiceAgent(), registry);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    expect(result.graph.version).toBe(GRAPH_VERSION);
    const vad = result.graph.nodes.find((n) => n.id === 'vad')!;
    expect(vad.config).toMatchObject({ startMs: 150, stopMs: 300, pauseMs: 100 });
    expect(vad.config).not.toHaveProperty('stopSecs');
  });

  it('renames every VAD duration to whole milliseconds, on VAD nodes only', () => {
    const v1 = {
      version: 1,
      nodes: [
        { id: 'vad', type: 'vad.energy', config: { startSecs: 0.07, stopSecs: 0.5, pauseSecs: 0 } },
        { id: 'other', type: 'context.user', config: { stopSecs: 1 } },
      ],
    };
    expect(migrateGraph(v1)).toEqual({
      version: 2,
      nodes: [
        { id: 'vad', type: 'vad.energy', config: { startMs: 70, stopMs: 500, pauseMs: 0 } },
        { id: 'other', type: 'context.user', config: { stopSecs: 1 } },
      ],
    });
  });

  it('moves a value that is not a number to the new key, where validation names it', () => {
    const v1 = v1VoiceAgent() as Doc;
    v1.nodes.find((n) => n.id === 'vad')!.config = { stopSecs: 'soon' };
    const result = validateGraph(v1, registry);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['nodes[1].config.stopMs']);
  });

  it('leaves its input alone and is idempotent', () => {
    const v1 = v1VoiceAgent();
    const before = structuredClone(v1);
    const once = migrateGraph(v1);
    expect(v1).toEqual(before);
    expect(migrateGraph(once)).toBe(once);
  });

  it('refuses a document from a newer Parley, naming its version', () => {
    const future = { ...(v1VoiceAgent() as Doc), version: GRAPH_VERSION + 1 };
    expect(() => migrateGraph(future)).toThrow(GraphVersionError);
    expect(() => migrateGraph(future)).toThrow(`graph document version ${GRAPH_VERSION + 1}`);
    const result = validateGraph(future, registry);
    expect(result.ok ? [] : result.errors).toEqual([
      expect.objectContaining({
        code: 'unsupported-version',
        path: 'version',
        message: expect.stringContaining(`version ${GRAPH_VERSION + 1} is newer`),
      }),
    ]);
  });

  it('leaves what is not a versioned document to validation', () => {
    for (const odd of [null, 'text', [], { nodes: [] }, { version: '1' }, { version: 0 }]) {
      expect(migrateGraph(odd)).toBe(odd);
    }
    const result = validateGraph({ version: 0, name: 'x', nodes: [], edges: [] }, registry);
    expect(result.ok ? [] : result.errors[0]).toMatchObject({ code: 'unsupported-version' });
  });

  it('hot-reloads a version 1 document into a running graph as a live update in ms', async () => {
    const graph = (version: number, vadConfig: Record<string, unknown>) => ({
      version,
      name: 'vad-only',
      nodes: [
        { id: 'in', type: 'transport.input', config: {} },
        { id: 'vad', type: 'vad.energy', config: vadConfig },
        { id: 'out', type: 'transport.output', config: {} },
      ],
      edges: [
        { id: 'a', source: 'in', target: 'vad' },
        { id: 'b', source: 'vad', target: 'out' },
      ],
    });
    const clock = new VirtualClock();
    const runner = new GraphRunner(graph(2, { stopMs: 300 }), { registry, clock });
    await runner.start();
    const errors: string[] = [];
    runner.onUpstream((frame) => {
      if (frame.type === 'error') errors.push(frame.message);
    });
    const report = await applyGraph(runner, graph(1, { stopSecs: 0.5 }));
    expect(report.nodes.find((c) => c.nodeId === 'vad')).toEqual({
      nodeId: 'vad',
      outcome: 'updated-live',
      keys: ['stopMs'],
    });
    await runner.processor('vad')?.idle();
    expect(errors).toEqual([]);
    expect(runner.graph.nodes.find((n) => n.id === 'vad')?.config).toMatchObject({ stopMs: 500 });
    await runner.stop();
  });
});
