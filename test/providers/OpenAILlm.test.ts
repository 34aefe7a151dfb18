import { afterEach, describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import { OpenAILlm, type OpenAILlmSettings } from '../../engine/providers/openai/OpenAILlm.ts';
import { ToolCallAssembler } from '../../engine/providers/openai/ToolCallAssembler.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import { type ChatScript, FakeOpenAI } from '../fakes/FakeOpenAI.ts';
import {
  captureLogger,
  cityTool,
  drain,
  framesAsText,
  startLlm,
  TEST_KEY,
  textOf,
  waitFor,
} from './providerTestKit.ts';

const SETTINGS: OpenAILlmSettings = {
  systemPrompt: 'You are terse.',
  maxToolSteps: 3,
  fallbackReply: 'Sorry, something went wrong.',
  model: 'gpt-4o-mini',
  temperature: 0.5,
  maxRetries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 1000,
  firstTokenTimeoutMs: 3000,
};

describe('OpenAILlm against the fake Chat Completions API, through the openai SDK', () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake?.stop());

  async function setUp(
    chat: ChatScript[],
    options: {
      settings?: Partial<OpenAILlmSettings>;
      tools?: Tool[];
      logger?: Logger;
      apiKey?: string;
    } = {},
  ) {
    fake = new FakeOpenAI({ apiKey: TEST_KEY, chat });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    const llm = new OpenAILlm(
      'llm',
      conversation,
      { ...SETTINGS, ...options.settings },
      { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
    );
    return startLlm(llm, conversation, options);
  }

  it('streams text, reports time to first token and usage, and sends the conversation with the system prompt', async () => {
    const { h, ask } = await setUp([
      { text: 'Hello there. How can I help?', usage: { promptTokens: 12, completionTokens: 7 } },
    ]);
    await ask('hi');
    await drain(h);
    expect(textOf(h.downstream())).toBe('Hello there. How can I help?');
    expect(h.downstream('llm.text').length).toBeGreaterThan(1); // streamed, not in one piece
    const types = h.downstreamTypes().filter((t) => t !== 'llm.text');
    expect(types).toEqual(['llm.response.start', 'metrics', 'metrics', 'llm.response.end']);
    const metrics = h.downstream('metrics').flatMap((f) => (f.type === 'metrics' ? f.metrics : []));
    expect(metrics.map((m) => m.name)).toEqual(['ttfb', 'llm.usage']);
    expect(metrics[1]).toMatchObject({
      value: 19,
      detail: { promptTokens: 12, completionTokens: 7 },
    });
    const [request] = fake.requestsTo('/v1/chat/completions');
    expect(request.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(request.json).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(request.json).not.toHaveProperty('tools');
  });

  it('runs parallel tool calls, feeds the results back and calls the model again', async () => {
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
          toolCalls: [
            { id: 'call_w', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
            { id: 'call_t', name: 'get_time', arguments: '{"city":"Tokyo"}' },
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
      { id: 'call_w', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      { id: 'call_t', name: 'get_time', arguments: '{"city":"Tokyo"}' },
    ]);
    expect(h.downstream('llm.tool.result')).toHaveLength(2);
    expect(textOf(h.downstream())).toBe(
      'Let me check. It is 18 degrees and half past nine in Tokyo.',
    );

    const [first, second] = fake.requestsTo('/v1/chat/completions');
    expect(first.json?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'the get_weather tool',
          parameters: tools[0].parameters,
        },
      },
      {
        type: 'function',
        function: {
          name: 'get_time',
          description: 'the get_time tool',
          parameters: tools[1].parameters,
        },
      },
    ]);
    expect(second.json?.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'weather and time in Tokyo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_w',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
          },
          {
            id: 'call_t',
            type: 'function',
            function: { name: 'get_time', arguments: '{"city":"Tokyo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w', content: '{"temperature":18,"unit":"celsius"}' },
      { role: 'tool', tool_call_id: 'call_t', content: '09:30' },
    ]);
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  it('assembles parallel calls that a compatible server sends all at index 0', async () => {
    const { h, ask } = await setUp(
      [
        {
          toolCallsAllAtIndexZero: true,
          toolCalls: [
            { id: 'a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
            { id: 'b', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { text: 'Done.' },
      ],
      { tools: [cityTool('get_weather', (args) => String(args.city))] },
    );
    await ask('Oslo and Rome?');
    await drain(h);
    const callFrame = h.downstream('llm.tool.call')[0];
    expect(callFrame.type === 'llm.tool.call' && callFrame.calls.map((c) => c.arguments)).toEqual([
      '{"city":"Oslo"}',
      '{"city":"Rome"}',
    ]);
  });

  it('cancels the HTTP request when interrupted mid-stream, and nothing more of that answer comes out', async () => {
    const { h, ask } = await setUp([
      { text: 'one two three four five six seven eight nine ten eleven twelve', chunkDelayMs: 40 },
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

    // The next turn works.
    await ask('again');
    await drain(h);
    expect(textOf(h.downstream()).endsWith('Next answer.')).toBe(true);
  });

  it('retries 429 and 500 before the first token, honouring backoff on the processor clock', async () => {
    const { logger, lines } = captureLogger();
    const { h, ask } = await setUp(
      [{ status: 429, retryAfterMs: 300 }, { status: 500 }, { text: 'Third time lucky.' }],
      { logger },
    );
    await ask('hello');
    await waitFor(undefined, () => fake.requests.length === 1);
    await h.advance(200);
    expect(fake.requests).toHaveLength(1); // retry-after 300 ms not yet over
    await drain(h);
    expect(fake.requests).toHaveLength(3);
    expect(textOf(h.downstream())).toBe('Third time lucky.');
    expect(h.upstream('error')).toHaveLength(0);
    const retries = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg?.toString().includes('retrying'));
    expect(retries.map((r) => r.status)).toEqual([429, 500]);
  });

  it('gives up after maxRetries: an error frame upstream, the fallback reply downstream, and the next turn works', async () => {
    const { h, ask } = await setUp([
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { text: 'Back again.' },
    ]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(3);
    expect(h.upstream('error')[0]).toMatchObject({ source: 'llm', fatal: false });
    expect(textOf(h.downstream())).toBe(SETTINGS.fallbackReply);
    expect(h.downstream('llm.response.end')).toHaveLength(1);
    await ask('again');
    await drain(h);
    expect(textOf(h.downstream())).toBe(`${SETTINGS.fallbackReply}Back again.`);
  });

  it('does not retry a 400', async () => {
    const { h, ask } = await setUp([
      { status: 400, errorMessage: 'Invalid value for temperature' },
    ]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain('Invalid value for temperature');
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

  it('answers with the fallback when the first byte never comes on any attempt', async () => {
    const { h, ask } = await setUp([{ hang: true }, { hang: true }], {
      settings: { firstTokenTimeoutMs: 500, maxRetries: 1 },
    });
    await ask('hello');
    await drain(h, 200);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toBe('no response within 500 ms');
    expect(textOf(h.downstream())).toBe(SETTINGS.fallbackReply);
  });

  it('does not retry a stream that dropped after words went out: fallback instead of repeating them', async () => {
    const { h, ask } = await setUp([
      { text: 'The answer is that', dropAfterChunks: 3 },
      { text: 'never asked' },
    ]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    expect(textOf(h.downstream())).toBe(`The answer ${SETTINGS.fallbackReply}`);
    expect(h.upstream('error')).toHaveLength(1);
  });

  it('treats a stream that ends cleanly but unfinished as a failure', async () => {
    const { h, ask } = await setUp([{ text: 'Half an', endAfterChunks: 2 }]);
    await ask('hello');
    await drain(h);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain(
      'ended before the answer was complete',
    );
  });

  it('retries a stream that dropped before any words', async () => {
    const { h, ask } = await setUp([{ text: 'lost', dropAfterChunks: 1 }, { text: 'Found.' }]);
    await ask('hello');
    await drain(h);
    expect(textOf(h.downstream())).toBe('Found.');
  });

  it('never lets the API key reach logs or frames, even when the server echoes it in an error', async () => {
    const { logger, lines } = captureLogger();
    const wrongKey = `${TEST_KEY}-wrong`;
    const { h, ask } = await setUp(
      [
        { status: 500, errorMessage: `boom, your key was ${wrongKey}` },
        { status: 500, errorMessage: `boom ${wrongKey}` },
        { status: 500 },
      ],
      { logger, apiKey: wrongKey },
    );
    await ask('hello'); // 401 from the fake: "Incorrect API key provided: <key>"
    await drain(h);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain(
      'Incorrect API key provided: [redacted]',
    );
    const all = framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(all).not.toContain(TEST_KEY);
  });

  it('applies live settings to the next request', async () => {
    const { h, ask } = await setUp([{ text: 'a' }, { text: 'b' }]);
    h.processor.updateSettings({ model: 'gpt-4.1', temperature: 0.1, systemPrompt: 'New prompt.' });
    await ask('hello');
    await drain(h);
    expect(fake.requests[0].json).toMatchObject({
      model: 'gpt-4.1',
      temperature: 0.1,
      messages: [
        { role: 'system', content: 'New prompt.' },
        { role: 'user', content: 'hello' },
      ],
    });
  });
});

describe('ToolCallAssembler', () => {
  it('joins argument fragments by index and keeps call order', () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, id: 'x', function: { name: 'f', arguments: '' } });
    a.add({ index: 1, id: 'y', function: { name: 'g', arguments: '{"b"' } });
    a.add({ index: 0, function: { arguments: '{"a":' } });
    a.add({ index: 0, function: { arguments: '1}' } });
    a.add({ index: 1, function: { arguments: ':2}' } });
    expect(a.finish('p')).toEqual([
      { id: 'x', name: 'f', arguments: '{"a":1}' },
      { id: 'y', name: 'g', arguments: '{"b":2}' },
    ]);
  });

  it('invents ids for servers that send none', () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, function: { name: 'f', arguments: '{}' } });
    expect(a.finish('call_llm_1')).toEqual([{ id: 'call_llm_1_0', name: 'f', arguments: '{}' }]);
  });
});
