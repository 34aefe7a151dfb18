import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../engine/core/Clock.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import {
  SentenceAggregator,
  sentenceEnd,
} from '../../engine/processors/text/SentenceAggregator.ts';
import { createWeatherTool } from '../../engine/providers/openmeteo/OpenMeteoWeather.ts';
import { DEFAULT_INTENTS } from '../../engine/providers/rules/defaultIntents.ts';
import { RulesLlm } from '../../engine/providers/rules/RulesLlm.ts';
import {
  ProcessorHarness,
  runProcessor,
  testFrame,
} from '../../engine/testing/ProcessorHarness.ts';
import { runToolCalls } from '../../engine/tools/runToolCalls.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';

const texts = (frames: Frame[], type: 'llm.text' | 'tts.text') =>
  frames.flatMap((f) => (f.type === type ? [f.text] : []));

describe('SentenceAggregator', () => {
  it('finds sentence ends but not abbreviations or decimals', () => {
    expect(sentenceEnd('Hello there. More')).toBe(12);
    expect(sentenceEnd('Dr. Smith is here')).toBe(-1);
    expect(sentenceEnd('It is 3.5 degrees')).toBe(-1);
    expect(sentenceEnd('Really?! Yes')).toBe(8);
    expect(sentenceEnd('No end yet')).toBe(-1);
  });

  it('emits each sentence as soon as it is complete and flushes the rest at the end', async () => {
    const chunks = [
      'Hel',
      'lo there. ',
      'It is 3',
      '.5 degrees in Dr. Who',
      "'s town! And",
      ' more',
    ];
    const { downstream } = await runProcessor(new SentenceAggregator('s'), [
      testFrame('llm.response.start', {}),
      ...chunks.map((text) => testFrame('llm.text', { text })),
      testFrame('llm.response.end', {}),
    ]);
    expect(texts(downstream, 'tts.text')).toEqual([
      'Hello there.',
      "It is 3.5 degrees in Dr. Who's town!",
      'And more',
    ]);
    expect(texts(downstream, 'llm.text')).toEqual(chunks);
    const order = downstream.map((f) => f.type);
    expect(order.indexOf('tts.text')).toBeLessThan(order.indexOf('llm.response.end'));
  });

  it('forgets a half sentence on interrupt', async () => {
    const h = new ProcessorHarness(new SentenceAggregator('s'));
    await h.start();
    await h.send(h.frame('llm.text', { text: 'This will never' }));
    await h.send(h.frame('interrupt', { reason: 'x' }));
    await h.send(h.frame('llm.response.end', {}));
    expect(h.downstream('tts.text')).toEqual([]);
  });
});

describe('runToolCalls', () => {
  const tool = (name: string, execute: Tool['execute'], timeoutMs = 1000): Tool => ({
    name,
    description: name,
    parameters: {},
    timeoutMs,
    execute,
  });

  it('runs calls in parallel and reports every kind of failure to the model as an error result', async () => {
    const started: string[] = [];
    const tools = [
      tool('ok', async (args) => {
        started.push('ok');
        await new Promise((r) => setTimeout(r, 20));
        return { echo: args };
      }),
      tool(
        'slow',
        async () => {
          started.push('slow');
          await new Promise((r) => setTimeout(r, 20));
          return 'late';
        },
        5,
      ),
      tool('broken', async () => {
        throw new Error('database down');
      }),
    ];
    const results = await runToolCalls(
      [
        { id: '1', name: 'ok', arguments: '{"a":1}' },
        { id: '2', name: 'slow', arguments: '{}' },
        { id: '3', name: 'broken', arguments: '' },
        { id: '4', name: 'missing', arguments: '{}' },
        { id: '5', name: 'ok', arguments: '{nope' },
      ],
      tools,
      new AbortController().signal,
      realClock,
    );
    expect(started).toEqual(['ok', 'slow']);
    expect(results.map((r) => [r.callId, r.isError])).toEqual([
      ['1', false],
      ['2', true],
      ['3', true],
      ['4', true],
      ['5', true],
    ]);
    expect(JSON.parse(results[0].content)).toEqual({ echo: { a: 1 } });
    expect(results[1].content).toContain('did not answer within 5 ms');
    expect(results[2].content).toContain('database down');
    expect(results[3].content).toContain("unknown tool 'missing'; available: ok, slow, broken");
    expect(results[4].content).toContain('not valid JSON');
  });

  it('aborts a running tool when the user interrupts', async () => {
    let toolSignal: AbortSignal | undefined;
    const controller = new AbortController();
    const pending = runToolCalls(
      [{ id: '1', name: 't', arguments: '{}' }],
      [
        tool('t', (_args, { signal }) => {
          toolSignal = signal;
          return new Promise(() => {});
        }),
      ],
      controller.signal,
      realClock,
    );
    controller.abort();
    await expect(pending).rejects.toBeDefined();
    expect(toolSignal?.aborted).toBe(true);
  });
});

describe('RulesLlm with the weather tool', () => {
  let fake: FakeOpenMeteo | undefined;
  afterEach(async () => fake?.stop());

  async function ask(words: string, options: ConstructorParameters<typeof FakeOpenMeteo>[0] = {}) {
    fake = new FakeOpenMeteo(options);
    const url = await fake.start();
    const conversation = new ConversationContext();
    const llm = new RulesLlm('llm', conversation, {
      persona: 'Parley',
      systemPrompt: 'be nice',
      intents: DEFAULT_INTENTS,
      fallback: 'Sorry?',
      fallbackReply: 'Oops.',
      maxToolSteps: 3,
    });
    llm.setTools([
      createWeatherTool({ baseUrl: url, geocodingBaseUrl: url, units: 'celsius', timeoutMs: 2000 }),
    ]);
    conversation.add({ role: 'user', content: words });
    const h = new ProcessorHarness(llm);
    await h.start();
    await h.send(h.frame('llm.context', { messages: [...conversation.messages] }));
    await h.idle();
    return { h, conversation };
  }

  it('calls get_weather with the place from the words and speaks the result', async () => {
    const { h, conversation } = await ask("what's the weather in tokyo");
    expect(h.downstreamTypes().filter((t) => t !== 'llm.text')).toEqual([
      'llm.response.start',
      'metrics', // ttfb
      'metrics', // estimated usage of the call that asked for the tool
      'llm.tool.call',
      'llm.tool.result',
      'metrics', // estimated usage of the call that spoke the result
      'llm.response.end',
    ]);
    const call = h.downstream('llm.tool.call')[0];
    expect(call.type === 'llm.tool.call' && call.calls[0]).toMatchObject({
      name: 'get_weather',
      arguments: '{"location":"Tokyo"}',
    });
    expect(texts(h.downstream(), 'llm.text').join('')).toBe(
      'Let me check the weather in Tokyo. In Tokyo it is 18 degrees Celsius, partly cloudy. ',
    );
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(fake!.requests.map((r) => r.split('?')[0])).toEqual(['/v1/search', '/v1/forecast']);
  });

  it('says it could not reach the service when the weather API fails', async () => {
    const { h } = await ask('what is the weather in Tokyo?', { failWith: 503 });
    expect(texts(h.downstream(), 'llm.text').join('')).toContain(
      'Sorry, I could not reach the weather service',
    );
    const result = h.downstream('llm.tool.result')[0];
    expect(result.type === 'llm.tool.result' && result.isError).toBe(true);
  });

  it('answers with the fallback when nothing matches', async () => {
    const { h } = await ask('sing me the song of the sea');
    expect(texts(h.downstream(), 'llm.text').join('')).toBe('Sorry? ');
  });
});
