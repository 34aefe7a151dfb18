import { describe, expect, it } from 'vitest';
import type { Frame } from '../../engine/core/frames.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { applyGraph, type NodeChange } from '../../engine/graph/HotReloader.ts';
import {
  chainGraph,
  type PromptEcho,
  type SlowEcho,
  testRegistry,
} from '../helpers/testProcessors.ts';

const registry = testRegistry();
const base = () =>
  chainGraph([
    { id: 'llm', type: 'test.llm', config: { prompt: 'ada' } },
    { id: 'slow', type: 'test.slow', config: { delayMs: 0 } },
  ]);
const outcome = (changes: NodeChange[], id: string) =>
  changes.find((c) => c.nodeId === id)?.outcome;

async function running() {
  const runner = new GraphRunner(base(), { registry });
  const out: Frame[] = [];
  runner.onOutput((f) => out.push(f));
  await runner.start();
  const say = async (text: string) => {
    runner.push(runner.createFrame('text.input', { text }));
    await runner.idle();
    await new Promise((r) => setTimeout(r, 5));
  };
  return { runner, out, say };
}
const texts = (frames: Frame[]) => frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : []));

describe('hot reload', () => {
  it('moving a node restarts nothing', async () => {
    const { runner } = await running();
    const llm = runner.processor('llm');
    const next = base();
    Object.assign(next.nodes[1], { position: { x: 500, y: 20 } });
    const report = await applyGraph(runner, next);
    expect(report.nodes.every((c) => c.outcome === 'unchanged')).toBe(true);
    expect(runner.processor('llm')).toBe(llm);
    expect(runner.graph.nodes[1].position).toEqual({ x: 500, y: 20 });
  });

  it('a live key becomes a settings update on the same processor', async () => {
    const { runner, out, say } = await running();
    const llm = runner.processor('llm') as PromptEcho;
    const next = base();
    next.nodes[1].config = { prompt: 'grace' };
    const report = await applyGraph(runner, next);
    expect(report.nodes.find((c) => c.nodeId === 'llm')).toEqual({
      nodeId: 'llm',
      outcome: 'updated-live',
      keys: ['prompt'],
    });
    await say('hi');
    expect(runner.processor('llm')).toBe(llm);
    expect(texts(out)).toContain('echo:grace:hi');
  });

  it('another config change replaces that one processor and keeps the conversation', async () => {
    const { runner, out, say } = await running();
    runner.session.conversation.add({ role: 'user', content: 'remember me' });
    const oldSlow = runner.processor('slow') as SlowEcho;
    const next = base();
    next.nodes[2].config = { delayMs: 0, flavour: 'spicy' };
    const report = await applyGraph(runner, next);
    expect(outcome(report.nodes, 'slow')).toBe('replaced');
    expect(outcome(report.nodes, 'llm')).toBe('unchanged');
    expect(runner.processor('slow')).not.toBe(oldSlow);
    expect(oldSlow.stopCount).toBe(1);
    await say('after');
    expect(texts(out)).toContain('echo:ada:after');
    expect(runner.session.conversation.messages).toEqual([
      { role: 'user', content: 'remember me' },
    ]);
  });

  it('adding a node rewires in place', async () => {
    const { runner, out, say } = await running();
    const next = base();
    next.nodes.splice(3, 0, { id: 'up', type: 'test.upper', config: {} });
    next.edges = next.edges.filter((e) => e.source !== 'slow');
    next.edges.push(
      { id: 'x1', source: 'slow', target: 'up' },
      { id: 'x2', source: 'up', target: 'out' },
    );
    const report = await applyGraph(runner, next);
    expect(outcome(report.nodes, 'up')).toBe('added');
    expect(outcome(report.nodes, 'slow')).toBe('rewired');
    expect(outcome(report.nodes, 'out')).toBe('rewired');
    await say('loud');
    expect(texts(out)).toContain('ECHO:ADA:LOUD');
  });

  it('removing a node rewires in place and releases it', async () => {
    const { runner, out, say } = await running();
    const slow = runner.processor('slow') as SlowEcho;
    const next = base();
    next.nodes = next.nodes.filter((n) => n.id !== 'slow');
    next.edges = [
      { id: 'a', source: 'in', target: 'llm' },
      { id: 'b', source: 'llm', target: 'out' },
    ];
    const report = await applyGraph(runner, next);
    expect(outcome(report.nodes, 'slow')).toBe('removed');
    expect(slow.stopCount).toBe(1);
    await say('direct');
    expect(texts(out)).toContain('ada:direct');
  });

  it('a transport change applies to new sessions only; its live keys still apply', async () => {
    const { runner } = await running();
    const live = base();
    live.nodes[3].config = { maxAheadMs: 80 };
    expect(outcome((await applyGraph(runner, live)).nodes, 'out')).toBe('updated-live');

    const rebound = base();
    rebound.nodes[0].id = 'mic';
    rebound.edges[0].source = 'mic';
    const report = await applyGraph(runner, rebound);
    expect(outcome(report.nodes, 'mic')).toBe('new-sessions-only');
    expect(outcome(report.nodes, 'in')).toBe('new-sessions-only');
    expect(report.nodes.find((c) => c.nodeId === 'mic')?.reason).toMatch(/transport/);
    expect(runner.processor('in')).toBeDefined();
  });

  it('a node that cannot be built keeps its old version and says why', async () => {
    const { runner, out, say } = await running();
    const next = base();
    next.nodes[2].type = 'test.keyed';
    next.nodes[2].config = {};
    const report = await applyGraph(runner, next);
    expect(report.nodes.find((c) => c.nodeId === 'slow')).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('TEST_API_KEY'),
    });
    await say('still');
    expect(texts(out)).toContain('echo:ada:still');
  });

  it('rejects an invalid new version before touching the session', async () => {
    const { runner } = await running();
    const next = base();
    next.nodes[2].config = { delayMs: -1 };
    await expect(applyGraph(runner, next)).rejects.toThrow(
      /nodes\[2\]\.config\.delayMs|config\.delayMs/,
    );
    expect((runner.processor('slow') as SlowEcho).stopCount).toBe(0);
  });
});
