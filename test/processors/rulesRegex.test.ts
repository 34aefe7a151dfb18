import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import { createDefaultRegistry } from '../../engine/index.ts';
import { DEFAULT_INTENTS } from '../../engine/providers/rules/defaultIntents.ts';
import {
  compileIntentPattern,
  INTENT_PATTERN_LIMITS,
} from '../../engine/providers/rules/IntentPattern.ts';
import {
  type RulesIntent,
  RulesLlm,
  rulesLlmSettings,
} from '../../engine/providers/rules/RulesLlm.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../engine/tools/Tool.ts';

const spoken = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : [])).join('');

async function reply(intents: RulesIntent[], words: string, tools: Tool[] = []): Promise<string> {
  const conversation = new ConversationContext();
  const llm = new RulesLlm('llm', conversation, {
    persona: 'Parley',
    systemPrompt: '',
    intents,
    fallback: 'No match.',
    fallbackReply: 'Oops.',
    maxToolSteps: 3,
  });
  llm.setTools(tools);
  conversation.add({ role: 'user', content: words });
  const h = new ProcessorHarness(llm);
  await h.start();
  await h.send(h.frame('llm.context', { messages: [...conversation.messages] }));
  await h.idle();
  return spoken(h.downstream());
}

function rulesGraph(intents: unknown) {
  return {
    version: 1,
    name: 'rules',
    nodes: [
      { id: 'in', type: 'transport.input', config: {} },
      { id: 'brain', type: 'llm.rules', config: { intents } },
      { id: 'out', type: 'transport.output', config: {} },
    ],
    edges: [
      { id: 'a', source: 'in', target: 'brain' },
      { id: 'b', source: 'brain', target: 'out' },
    ],
  };
}

describe('llm.rules patterns run on RE2 (linear time)', () => {
  it('matches a catastrophic-backtracking pattern on a long input without stalling', {
    timeout: 10_000,
  }, async () => {
    // With backtracking, ^(a+)+$ on n × "a" + "!" takes ~2^n steps: 29 a's stalled a server 2.3 s; 10,000 would never end.
    const compiled = compileIntentPattern('^(a+)+$');
    if (!compiled.ok) throw new Error(compiled.problem);
    const evil = `${'a'.repeat(10_000)}!`;
    expect(compiled.regex.test(evil)).toBe(false);
    expect(compiled.regex.exec(evil)).toBeNull();
    expect(compiled.regex.test('a'.repeat(10_000))).toBe(true);

    const hostile: RulesIntent[] = [{ name: 'evil', patterns: ['^(a+)+$'], reply: 'Matched.' }];
    const longest = INTENT_PATTERN_LIMITS.maxMatchedChars;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    expect(await reply(hostile, `${'a'.repeat(longest - 1)}!`)).toBe('No match. ');
    expect(await reply(hostile, 'a'.repeat(longest))).toBe('Matched. ');
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(0); // the event loop kept turning
  });

  it('keeps the default intents working: case-insensitive, named groups, word boundaries', async () => {
    expect(await reply(DEFAULT_INTENTS, 'HELLO there')).toContain('Hello! I am Parley');
    expect(await reply(DEFAULT_INTENTS, 'Tell me a JOKE')).toContain('Why do programmers');
    expect(await reply(DEFAULT_INTENTS, 'jokers are wild')).toBe('No match. ');
    const named: RulesIntent[] = [
      {
        name: 'city',
        patterns: ['weather (?:in|at) (?<location>[a-z][a-z .-]*?)[?.!]*$'],
        reply: 'In {location}.',
      },
    ];
    expect(await reply(named, 'What is the WEATHER in new york?')).toBe('In New York. ');
  });

  it('answers a turn longer than maxMatchedChars with the fallback (cutting it would make $ match at the cut)', async () => {
    const intents: RulesIntent[] = [{ name: 'any', patterns: ['bingo'], reply: 'Found.' }];
    expect(await reply(intents, `bingo ${'x'.repeat(INTENT_PATTERN_LIMITS.maxMatchedChars)}`)).toBe(
      'No match. ',
    );
    expect(await reply(intents, 'x bingo')).toBe('Found. ');
  });

  it('reads a tool result of any depth for its templates without overflowing the stack', async () => {
    // A client tool's output (Realtime function_call_output) is any text the client sends.
    const deep = `{"city":"Oslo","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const tool: Tool = {
      name: 'lookup',
      description: '',
      parameters: {},
      timeoutMs: 1000,
      execute: () => Promise.resolve(deep),
    };
    const intents: RulesIntent[] = [
      {
        name: 'ask',
        patterns: ['look'],
        tool: { name: 'lookup', arguments: {} },
        replyWithResult: 'It is {result.city}.',
      },
    ];
    expect(await reply(intents, 'look it up', [tool])).toBe('It is Oslo. ');
  });

  it('refuses lookaround and backreferences, saying why', () => {
    const problem = (p: string) => {
      const r = compileIntentPattern(p);
      return r.ok ? undefined : r.problem;
    };
    expect(problem('foo(?=bar)')).toMatch(/lookahead .*RE2/);
    expect(problem('foo(?!bar)')).toMatch(/negative lookahead/);
    expect(problem('(?<=a)b')).toMatch(/lookbehind/);
    expect(problem('(?<!a)b')).toMatch(/negative lookbehind/);
    expect(problem('(a)\\1')).toMatch(/backreference \(\\1\)/);
    expect(problem('(?<x>a)\\k<x>')).toMatch(/named backreference/);
    expect(problem('\\u00e9')).toMatch(/\\x\{00e9\}/);
    // Inside a class or escaped, the same characters are literal and fine.
    expect(problem('[(?=]x')).toBeUndefined();
    expect(problem('\\(\\?=')).toBeUndefined();
    expect(problem('x'.repeat(INTENT_PATTERN_LIMITS.maxPatternChars + 1))).toMatch(
      /characters; the limit is 500/,
    );
    expect(problem('[a-z]{1000}')).toMatch(/RE2 instructions; the limit is 1000/);
  });

  it('reports a bad pattern through validateGraph with the node and the JSON path', () => {
    const result = validateGraph(
      rulesGraph([
        { name: 'ok', patterns: ['hello'] },
        { name: 'bad', patterns: ['fine', 'a(?=b)'], reply: 'x' },
      ]),
      createDefaultRegistry(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'invalid-config',
        nodeId: 'brain',
        path: 'nodes[1].config.intents[1].patterns[1]',
        message: expect.stringMatching(
          /^node 'brain': config\.intents\[1\]\.patterns\[1\]: it uses a lookahead/,
        ),
      }),
    ]);
  });

  it('caps the number of intents and patterns of a node', () => {
    const registry = createDefaultRegistry();
    const tooManyPatterns = validateGraph(
      rulesGraph([{ name: 'many', patterns: Array.from({ length: 201 }, (_, i) => `word${i}`) }]),
      registry,
    );
    expect(tooManyPatterns.ok).toBe(false);
    expect(!tooManyPatterns.ok && tooManyPatterns.errors[0].message).toMatch(
      /config\.intents: 201 patterns in all; the limit is 200 per node/,
    );
    const tooManyIntents = validateGraph(
      rulesGraph(Array.from({ length: 101 }, (_, i) => ({ name: `i${i}`, patterns: ['x'] }))),
      registry,
    );
    expect(!tooManyIntents.ok && tooManyIntents.errors[0].path).toBe('nodes[1].config.intents');
    const tooCostly = validateGraph(
      rulesGraph([
        { name: 'long', patterns: Array.from({ length: 5 }, (_, i) => `${i}[a-z]{900}`) },
      ]),
      registry,
    );
    expect(!tooCostly.ok && tooCostly.errors[0].message).toMatch(
      /RE2 instructions in all; the limit is 4000 per node/,
    );
  });

  it('loads configs written before the built-in understanding, and refuses an unknown style', () => {
    const registry = createDefaultRegistry();
    const old = rulesGraph(DEFAULT_INTENTS);
    old.nodes[1].config = {
      persona: 'Parley',
      intents: DEFAULT_INTENTS,
      fallback: 'Sorry?',
    } as never;
    // rulesGraph's wiring is not a working agent: only config errors matter here.
    const configErrors = (graph: unknown) => {
      const result = validateGraph(graph, registry);
      return result.ok ? [] : result.errors.filter((e) => e.code === 'invalid-config');
    };
    expect(configErrors(old)).toEqual([]);
    expect(rulesLlmSettings.parse({ persona: 'Parley' })).toMatchObject({
      persona: 'Parley',
      style: 'friendly',
      builtInIntents: true,
      intents: [],
    });
    const styled = rulesGraph([]);
    styled.nodes[1].config = { style: 'pirate' } as never;
    expect(configErrors(styled)).toEqual([
      expect.objectContaining({ nodeId: 'brain', path: 'nodes[1].config.style' }),
    ]);
  });

  it('accepts every graph shipped in graphs/', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const registry = createDefaultRegistry();
    for (const file of (await readdir('graphs')).filter((f) => f.endsWith('.json'))) {
      const result = validateGraph(JSON.parse(await readFile(`graphs/${file}`, 'utf8')), registry);
      expect(result.ok ? [] : result.errors, file).toEqual([]);
    }
  });
});
