import { describe, expect, it } from 'vitest';
import type { Frame } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { GraphValidationError } from '../../engine/graph/GraphValidationError.ts';
import { MissingCredentialError } from '../../engine/graph/NodeRegistry.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import {
  chainGraph,
  PassThrough,
  type PromptEcho,
  testRegistry,
  Upper,
} from '../helpers/testProcessors.ts';

const registry = testRegistry();

function collect(runner: GraphRunner): Frame[] {
  const out: Frame[] = [];
  runner.onOutput((f) => out.push(f));
  return out;
}
const texts = (frames: Frame[]) => frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : []));

describe('GraphRunner', () => {
  it('runs a chain built from JSON and stops it cleanly', async () => {
    const runner = new GraphRunner(
      chainGraph([
        { id: 'llm', type: 'test.llm', config: { prompt: 'ada' } },
        { id: 'up', type: 'test.upper' },
      ]),
      { registry },
    );
    const out = collect(runner);
    await runner.start();
    runner.push(runner.createFrame('text.input', { text: 'hello' }));
    await runner.stop();
    expect(texts(out)).toEqual(['ADA:HELLO']);
    expect(out.map((f) => f.type)).toEqual(['start', 'llm.text', 'end']);
    expect(runner.allProcessors().every((p) => p.isStopped)).toBe(true);
  });

  it('fans out to every branch and delivers a frame arriving by two paths once', async () => {
    const doc = {
      version: 1,
      name: 'diamond',
      nodes: [
        { id: 'in', type: 'transport.input' },
        { id: 'a', type: 'test.pass' },
        { id: 'b', type: 'test.pass' },
        { id: 'join', type: 'test.pass' },
        { id: 'out', type: 'transport.output' },
      ],
      edges: [
        { id: '1', source: 'in', target: 'a' },
        { id: '2', source: 'in', target: 'b' },
        { id: '3', source: 'a', target: 'join' },
        { id: '4', source: 'b', target: 'join' },
        { id: '5', source: 'join', target: 'out' },
      ],
    };
    const runner = new GraphRunner(doc, { registry });
    const out = collect(runner);
    await runner.start();
    runner.push(runner.createFrame('text.input', { text: 'once' }));
    await runner.idle();
    const seen = (id: string) => (runner.processor(id) as PassThrough).seen;
    expect([seen('a'), seen('b'), seen('join')]).toEqual([1, 1, 1]);
    expect(out.filter((f) => f.type === 'text.input')).toHaveLength(1);
  });

  it('routes errors upstream out of the graph without stopping it', async () => {
    const runner = pipeline([new Upper('up')]);
    const errors: Frame[] = [];
    runner.onUpstream((f) => errors.push(f));
    await runner.start();
    runner
      .processor('up')!
      .receive(
        runner.createFrame('error', { message: 'tts down', source: 'tts', fatal: false }),
        'upstream',
      );
    runner.push(runner.createFrame('llm.text', { text: 'still alive' }));
    await runner.idle();
    expect(errors.map((f) => f.type)).toEqual(['error']);
    expect(runner.processor('up')!.isStopped).toBe(false);
  });

  it('cancel releases every processor at once', async () => {
    const clock = new VirtualClock();
    const runner = new GraphRunner(
      chainGraph([{ id: 'slow', type: 'test.slow', config: { delayMs: 1000 } }]),
      { registry, clock },
    );
    await runner.start();
    runner.push(runner.createFrame('llm.text', { text: 'never' }));
    runner.cancel('hang-up');
    await clock.advance(2000);
    expect(runner.allProcessors().every((p) => p.isStopped)).toBe(true);
  });

  it('refuses an invalid graph with the validation issues', () => {
    const doc = chainGraph([{ id: 'slow', type: 'test.slow', config: { delayMs: 'soon' } }]);
    expect(() => new GraphRunner(doc, { registry })).toThrow(GraphValidationError);
    try {
      new GraphRunner(doc, { registry });
    } catch (error) {
      expect((error as GraphValidationError).issues[0]).toMatchObject({
        nodeId: 'slow',
        path: 'nodes[1].config.delayMs',
      });
    }
  });

  it('refuses to build a node whose credential is missing, naming the variable', () => {
    const doc = chainGraph([{ id: 'cloud', type: 'test.keyed' }]);
    expect(() => new GraphRunner(doc, { registry, env: {} })).toThrow(MissingCredentialError);
    expect(() => new GraphRunner(doc, { registry, env: {} })).toThrow(/TEST_API_KEY/);
    expect(() => new GraphRunner(doc, { registry, env: { TEST_API_KEY: 'k' } })).not.toThrow();
  });

  it('attaches tool nodes to the LLM they connect to', () => {
    const doc = chainGraph([{ id: 'llm', type: 'test.llm' }]);
    doc.nodes.push({ id: 'answer', type: 'test.tool', config: {} });
    doc.edges.push({ id: 't', source: 'answer', target: 'llm', targetHandle: 'tools' } as never);
    const runner = new GraphRunner(doc, { registry });
    expect((runner.processor('llm') as PromptEcho).tools.map((t) => t.name)).toEqual(['answer']);
  });

  it('observes every hop when asked', async () => {
    const runner = pipeline([new PassThrough('a'), new PassThrough('b')]);
    const hops: string[] = [];
    runner.observeHops((h) => {
      if (h.frame.type === 'text.input') hops.push(`${h.from}->${h.to ?? 'exit'}`);
    });
    await runner.start();
    runner.push(runner.createFrame('text.input', { text: 'x' }));
    await runner.idle();
    expect(hops).toEqual(['input->a', 'a->b', 'b->output', 'output->exit']);
  });
});
