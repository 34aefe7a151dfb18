import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { MissingCredentialError } from '../../engine/graph/NodeRegistry.ts';
import {
  AnthropicLlm,
  type AnthropicLlmSettings,
} from '../../engine/providers/anthropic/AnthropicLlm.ts';
import { toAnthropicMessages } from '../../engine/providers/anthropic/toAnthropicMessages.ts';
import { MODEL_SUMMARY_HEADER } from '../../engine/services/llm/conversationSummary.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import { FakeAnthropic, type MessageScript } from '../fakes/FakeAnthropic.ts';
import {
  captureLogger,
  cityTool,
  drain,
  framesAsText,
  startLlm,
  TEST_KEY,
  textOf,
  usageMetrics,
  waitFor,
} from './providerTestKit.ts';

const SETTINGS: AnthropicLlmSettings = {
  systemPrompt: 'You are terse.',
  maxToolSteps: 3,
  fallbackReply: 'Sorry, something went wrong.',
  model: 'claude-haiku-4-5',
  maxTokens: 512,
  promptCaching: true,
  maxRetries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 1000,
  firstTokenTimeoutMs: 3000,
};

describe('AnthropicLlm against the fake Messages API, through @anthropic-ai/sdk', () => {
  let fake: FakeAnthropic;
  afterEach(async () => fake?.stop());

  async function setUp(
    messages: MessageScript[],
    options: {
      settings?: Partial<AnthropicLlmSettings>;
      tools?: Tool[];
      logger?: Logger;
      apiKey?: string;
    } = {},
  ) {
    fake = new FakeAnthropic({ apiKey: TEST_KEY, messages });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    const llm = new AnthropicLlm(
      'llm',
      conversation,
      { ...SETTINGS, ...options.settings },
      { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
    );
    return startLlm(llm, conversation, options);
  }

  it('answers a spoken question as streamed text, with the system prompt apart and usage reported', async () => {
    const { h, ask } = await setUp([
      { text: 'It is sunny in Paris today.', usage: { inputTokens: 30, outputTokens: 8 } },
    ]);
    await ask('what is the weather like in paris');
    await drain(h);
    expect(textOf(h.downstream())).toBe('It is sunny in Paris today.');
    expect(h.downstream('llm.text').length).toBeGreaterThan(1); // streamed, not in one piece
    const types = h.downstreamTypes().filter((t) => t !== 'llm.text');
    expect(types).toEqual(['llm.response.start', 'metrics', 'metrics', 'llm.response.end']);
    expect(usageMetrics(h)[0]).toMatchObject({
      value: 38,
      detail: { promptTokens: 30, completionTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    const [request] = fake.requests;
    expect(request.path).toBe('/v1/messages');
    expect(request.apiKey).toBe(TEST_KEY);
    expect(request.anthropicVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request.json).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      stream: true,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'what is the weather like in paris' }] },
      ],
    });
  });

  it('runs two parallel tool_use blocks, feeds both results back in one user turn, then answers', async () => {
    const calls: string[] = [];
    const tools = [
      cityTool('get_weather', (args) => {
        calls.push(`weather:${String(args.city)}`);
        return { temperature: 18, unit: 'celsius' };
      }),
      cityTool('get_time', (args) => {
        calls.push(`time:${String(args.city)}`);
        return '09:30';
      }),
    ];
    const { h, ask, conversation } = await setUp(
      [
        {
          text: 'Let me check. ',
          toolUses: [
            { id: 'toolu_w', name: 'get_weather', input: { city: 'Tokyo' } },
            { id: 'toolu_t', name: 'get_time', input: { city: 'Tokyo' } },
          ],
        },
        { text: 'It is 18 degrees and half past nine in Tokyo.' },
      ],
      { tools },
    );
    await ask('weather and time in Tokyo?');
    await drain(h);

    expect(calls.sort()).toEqual(['time:Tokyo', 'weather:Tokyo']);
    const callFrame = h.downstream('llm.tool.call')[0];
    expect(callFrame.type === 'llm.tool.call' && callFrame.calls).toEqual([
      { id: 'toolu_w', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      { id: 'toolu_t', name: 'get_time', arguments: '{"city":"Tokyo"}' },
    ]);
    expect(h.downstream('llm.tool.result')).toHaveLength(2);
    expect(textOf(h.downstream())).toBe(
      'Let me check. It is 18 degrees and half past nine in Tokyo.',
    );

    const [first, second] = fake.requests;
    // Tools keep the graph's JSON Schema; the last one closes the cached prefix.
    expect(first.json?.tools).toEqual([
      {
        name: 'get_weather',
        description: 'the get_weather tool',
        input_schema: tools[0].parameters,
      },
      {
        name: 'get_time',
        description: 'the get_time tool',
        input_schema: tools[1].parameters,
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(second.json?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather and time in Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_w', name: 'get_weather', input: { city: 'Tokyo' } },
          { type: 'tool_use', id: 'toolu_t', name: 'get_time', input: { city: 'Tokyo' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_w',
            content: '{"temperature":18,"unit":"celsius"}',
          },
          { type: 'tool_result', tool_use_id: 'toolu_t', content: '09:30' },
        ],
      },
    ]);
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  it('stops a model that keeps calling tools at maxToolSteps, with the fallback reply', async () => {
    const loop: MessageScript = { toolUses: [{ name: 'get_weather', input: { city: 'Oslo' } }] };
    const { h, ask } = await setUp([loop, loop, loop, { text: 'never reached' }], {
      settings: { maxToolSteps: 1 },
      tools: [cityTool('get_weather', () => 'rain')],
    });
    await ask('weather in Oslo?');
    await drain(h);
    expect(fake.requests).toHaveLength(2);
    expect(h.downstream('llm.tool.call')).toHaveLength(1);
    expect(textOf(h.downstream())).toBe(SETTINGS.fallbackReply);
    expect(h.downstream('llm.response.end')).toHaveLength(1);
  });

  it('aborts the request when interrupted mid-stream, and nothing more of that answer comes out', async () => {
    const { h, ask } = await setUp([
      { text: 'one two three four five six seven eight nine ten eleven twelve', eventDelayMs: 40 },
      { text: 'Next answer.' },
    ]);
    await ask('count');
    await waitFor(h, () => h.downstream('llm.text').length >= 2);
    await h.send(h.frame('interrupt', { reason: 'user started speaking' }));
    const textsAtInterrupt = h.downstream('llm.text').length;
    await waitFor(undefined, () => fake.requests[0].clientClosedEarly);
    expect(fake.requests[0].completed).toBe(false);
    await drain(h);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.downstream('llm.text')).toHaveLength(textsAtInterrupt);
    expect(h.downstream('llm.response.end')).toHaveLength(0);

    await ask('again');
    await drain(h);
    expect(textOf(h.downstream()).endsWith('Next answer.')).toBe(true);
  });

  it('retries 429, 529 and a mid-stream overloaded event before any output, honouring retry-after', async () => {
    const { logger, lines } = captureLogger();
    const { h, ask } = await setUp(
      [
        { status: 429, retryAfterSeconds: 1 },
        { status: 529 },
        { text: 'lost', errorEventAfter: 1 },
        { text: 'Fourth time lucky.' },
      ],
      { logger, settings: { maxRetries: 3 } },
    );
    await ask('hello');
    await waitFor(undefined, () => fake.requests.length === 1);
    await h.advance(600);
    expect(fake.requests).toHaveLength(1); // retry-after 1 s not yet over
    await drain(h);
    expect(fake.requests).toHaveLength(4);
    expect(textOf(h.downstream())).toBe('Fourth time lucky.');
    expect(h.upstream('error')).toHaveLength(0);
    const retries = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg?.toString().includes('retrying'));
    expect(retries.map((r) => r.status)).toEqual([429, 529, undefined]);
  });

  it('does not retry a 400, and reports the API’s message', async () => {
    const { h, ask } = await setUp([{ status: 400, errorMessage: 'max_tokens: too large' }]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain('max_tokens: too large');
    expect(textOf(h.downstream())).toBe(SETTINGS.fallbackReply);
  });

  it('does not repeat a reply cut mid-stream: the fallback follows, and the next turn works', async () => {
    const { h, ask } = await setUp([
      { text: 'The answer is that', dropAfterEvents: 5 },
      { text: 'Back again.' },
    ]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    expect(textOf(h.downstream())).toBe(`The answer ${SETTINGS.fallbackReply}`);
    expect(h.upstream('error')).toHaveLength(1);
    await ask('again');
    await drain(h);
    expect(fake.requests).toHaveLength(2);
    expect(textOf(h.downstream())).toBe(`The answer ${SETTINGS.fallbackReply}Back again.`);
  });

  it('abandons an attempt whose first byte never comes, closes it, and retries', async () => {
    const { h, ask } = await setUp([{ hang: true }, { text: 'Sorry for the wait.' }], {
      settings: { firstTokenTimeoutMs: 1000 },
    });
    await ask('hello');
    await drain(h, 200);
    expect(textOf(h.downstream())).toBe('Sorry for the wait.');
    expect(fake.requests[0].clientClosedEarly).toBe(true);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('caches the stable prefix: the second turn reads it from the cache, and usage says so', async () => {
    const { h, ask } = await setUp(
      [
        { text: 'First.', usage: { inputTokens: 12, cacheCreationInputTokens: 1800 } },
        { text: 'Second.', usage: { inputTokens: 20, cacheReadInputTokens: 1800 } },
      ],
      { tools: [cityTool('get_weather', () => 'sun')] },
    );
    await ask('one');
    await drain(h);
    await ask('two');
    await drain(h);
    for (const request of fake.requests) {
      const system = request.json?.system as Array<Record<string, unknown>>;
      const tools = request.json?.tools as Array<Record<string, unknown>>;
      expect(system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      expect(tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    }
    const [first, second] = usageMetrics(h);
    expect(first.detail).toMatchObject({ promptTokens: 1812, cacheWriteTokens: 1800 });
    expect(second.detail).toMatchObject({
      promptTokens: 1820,
      cacheReadTokens: 1800,
      cacheWriteTokens: 0,
    });
  });

  it('sends no cache_control when prompt caching is off', async () => {
    const { h, ask } = await setUp([{ text: 'Hi.' }], {
      settings: { promptCaching: false },
      tools: [cityTool('get_weather', () => 'sun')],
    });
    await ask('hello');
    await drain(h);
    expect(JSON.stringify(fake.requests[0].json)).not.toContain('cache_control');
  });

  it('never lets the API key reach logs or frames, even when the server echoes it', async () => {
    const { logger, lines } = captureLogger();
    const wrongKey = `${TEST_KEY}-wrong`;
    const { h, ask } = await setUp([], { logger, apiKey: wrongKey });
    await ask('hello'); // 401 from the fake: "invalid x-api-key: <key>"
    await drain(h);
    expect(fake.requests).toHaveLength(1); // a wrong key is not retried
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain('invalid x-api-key: [redacted]');
    const all = framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n');
    expect(all).not.toContain(TEST_KEY);
  });

  it('writes the context budget’s summary through the Messages API, without tools, in place of the local note', async () => {
    const { h, conversation } = await setUp(
      [
        {
          text: 'The user, Ada, is planning a trip to Lisbon in May.',
          usage: { inputTokens: 90, outputTokens: 12 },
        },
      ],
      { tools: [cityTool('get_weather', () => ({}))] },
    );
    conversation.add({ role: 'user', content: 'I am Ada and I want to visit Lisbon in May' });
    conversation.add({ role: 'assistant', content: 'Lovely, Lisbon in May is warm.' });
    conversation.add({ role: 'user', content: 'what should I pack' });
    conversation.compact(2, 'Earlier conversation (local note)');
    await h.send(
      h.frame('context.summarize', {
        dropped: [
          { role: 'user', content: 'I am Ada and I want to visit Lisbon in May' },
          { role: 'assistant', content: 'Lovely, Lisbon in May is warm.' },
        ],
        note: 'Earlier conversation (local note)',
        maxChars: 400,
      }),
    );
    await waitFor(h, () => conversation.note?.content.includes('Ada') === true);
    expect(conversation.note?.content).toBe(
      `${MODEL_SUMMARY_HEADER}The user, Ada, is planning a trip to Lisbon in May.`,
    );
    expect(conversation.messages[0]).toBe(conversation.note);
    const [request] = fake.requests;
    expect(request.json?.tools).toBeUndefined();
    const sent = JSON.stringify(request.json?.messages);
    expect(sent).toContain('User: I am Ada and I want to visit Lisbon in May');
    expect(sent).toContain('Assistant: Lovely, Lisbon in May is warm.');
    expect(JSON.stringify(request.json?.system)).toContain('Summarise the earlier part');
    // Not a reply: nothing for the speaker, and its usage is marked as the summary's.
    expect(h.downstream('llm.text')).toEqual([]);
    expect(usageMetrics(h)).toEqual([
      expect.objectContaining({ value: 102, detail: expect.objectContaining({ summary: 1 }) }),
    ]);
  });

  it('applies live settings to the next request', async () => {
    const { h, ask } = await setUp([{ text: 'a' }]);
    h.processor.updateSettings({ model: 'claude-sonnet-4-6', systemPrompt: 'New prompt.' });
    await ask('hello');
    await drain(h);
    expect(fake.requests[0].json).toMatchObject({
      model: 'claude-sonnet-4-6',
      system: [{ type: 'text', text: 'New prompt.' }],
    });
  });
});

describe('llm.anthropic in a graph', () => {
  const doc = JSON.parse(
    readFileSync(new URL('../../graphs/anthropic-cascade.json', import.meta.url), 'utf8'),
  ) as GraphDocument;

  it('refuses to start without ANTHROPIC_API_KEY, naming the variable', () => {
    const registry = createDefaultRegistry();
    const env = { DEEPGRAM_API_KEY: 'k' };
    expect(() => new GraphRunner(doc, { registry, env })).toThrow(MissingCredentialError);
    expect(() => new GraphRunner(doc, { registry, env })).toThrow(/ANTHROPIC_API_KEY\b/);
  });
});

describe('toAnthropicMessages', () => {
  it('merges same-role turns, keeps results first, and drops calls whose result never came', () => {
    const { system, messages } = toAnthropicMessages(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Weather?' },
        { role: 'user', content: 'In Rome.' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'a', name: 'get_weather', arguments: '{"city":"Rome"}' }],
        },
        // Interrupted while the tool ran: a call with no result.
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'b', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
        },
        { role: 'tool', toolCallId: 'a', content: 'sun' },
        { role: 'user', content: 'And Oslo?' },
      ],
      false,
    );
    expect(system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(messages).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'text', text: 'In Rome.' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'a', name: 'get_weather', input: { city: 'Rome' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a', content: 'sun' },
          { type: 'text', text: 'And Oslo?' },
        ],
      },
    ]);
  });
});
