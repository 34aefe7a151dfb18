import { describe, expect, it } from 'vitest';
import {
  type ChainNode,
  chainToGraph,
  frontEndChain,
  frontEndOf,
} from '../../bench/suites/offline/frontEnd.ts';
import {
  selectVariants,
  VARIANTS,
  withStage,
  withSttOption,
} from '../../bench/suites/offline/variants.ts';
import { createDefaultRegistry, type GraphDocument } from '../../engine/index.ts';
import { testNodeTypes } from '../helpers/testProcessors.ts';

const chainWithEverything: ChainNode[] = [
  { id: 'in', type: 'transport.input', config: {} },
  { id: 'dn', type: 'audio.denoise', config: { strength: 1 } },
  { id: 'vad', type: 'vad.silero', config: { stopMs: 300 } },
  { id: 'stt', type: 'stt.pocketsphinx', config: { bias: { phrases: ['hello there'] } } },
];

const registry = createDefaultRegistry();
const variant = (name: string) => VARIANTS.find((v) => v.name === name)!;

describe('eval front ends', () => {
  it('takes graphs/voice-agent.json from its input to its STT node', () => {
    const chain = frontEndChain();
    expect(chain[0].type).toBe('transport.input');
    expect(chain.at(-1)?.type).toBe('stt.pocketsphinx');
    expect(chain.map((n) => n.type)).toContain('vad.silero');
  });

  it('refuses a front end that branches, naming the node', () => {
    const doc = chainToGraph(chainWithEverything, 'x');
    doc.edges.push({ id: 'extra', source: 'in', target: 'vad' });
    expect(() => frontEndOf(doc as GraphDocument, 'g.json')).toThrow(
      /g\.json: node 'in' has 2 outgoing audio edges/,
    );
  });

  it('baseline drops the new stages and STT options; default keeps them', () => {
    const base = variant('baseline').patch(chainWithEverything, registry) as ChainNode[];
    expect(base.map((n) => n.type)).toEqual(['transport.input', 'vad.silero', 'stt.pocketsphinx']);
    expect(base.at(-1)?.config).toEqual({});
    expect(variant('default').patch(chainWithEverything, registry)).toEqual(chainWithEverything);
  });

  it('a one-stage variant is skipped while its node type does not exist, and added after the input once it does', () => {
    expect(withStage('audio.nothing')(chainWithEverything, registry)).toEqual({
      skip: "node type 'audio.nothing' is not registered (yet)",
    });
    const pass = testNodeTypes.find((t) => t.type === 'test.pass')!;
    const withPass = createDefaultRegistry().register(pass);
    const patched = withStage('test.pass')(chainWithEverything, withPass) as ChainNode[];
    expect(patched.map((n) => n.type)).toEqual([
      'transport.input',
      'test.pass',
      'vad.silero',
      'stt.pocketsphinx',
    ]);
  });

  it('+bias uses the graph’s own bias, or the fallback when the graph sets none', () => {
    const own = withSttOption('bias', { phrases: 'responder' })(
      chainWithEverything,
      registry,
    ) as ChainNode[];
    expect(own.at(-1)?.config).toEqual({ bias: { phrases: ['hello there'] } });
    const plain = chainWithEverything
      .filter((n) => n.type !== 'audio.denoise')
      .map((n) => (n.type.startsWith('stt.') ? { ...n, config: {} } : n));
    const fallback = withSttOption('bias', { phrases: 'responder' })(
      plain,
      registry,
    ) as ChainNode[];
    expect(fallback.at(-1)?.config).toEqual({ bias: { phrases: 'responder' } });
    expect(withSttOption('nonsense', 1)(plain, registry)).toEqual({
      skip: "stt.pocketsphinx has no 'nonsense' option (yet)",
    });
  });

  it('OFFLINE_VARIANTS picks variants and names the known ones on a typo', () => {
    expect(selectVariants('baseline, default').map((v) => v.name)).toEqual(['baseline', 'default']);
    expect(() => selectVariants('basline')).toThrow(
      /unknown variant\(s\) basline; known: baseline/,
    );
  });
});
