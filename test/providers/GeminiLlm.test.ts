import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { MissingCredentialError } from '../../engine/graph/NodeRegistry.ts';
import { GeminiLlm, type GeminiLlmSettings } from '../../engine/providers/google/GeminiLlm.ts';
import { toGeminiContents } from '../../engine/providers/google/toGeminiContents.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import { FakeGeminiText, type GeminiTextScript } from '../fakes/FakeGeminiText.ts';
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

const SETTINGS: GeminiLlmSettings = {
  systemPrompt: 'You are terse.',
  maxToolSteps: 3,
  fallbackReply: 'Sorry, something went wrong.',
  model: 'gemini-2.5-flash',
  maxTokens: 512,
  temperature: 0.5,
  thinkingBudget: 0,
  maxRetries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 1000,
  firstTokenTimeoutMs: 3000,
};

describe('GeminiLlm against the fake streamGenerateContent, through @google/genai', () => {
  let fake: FakeGeminiText;
  afterEach(async () => fake?.stop());

  async function setUp(
    scripts: GeminiTextScript[],
    options: {
      settings?: Partial<GeminiLlmSettings>;
      tools?: Tool[];
      logger?: Logger;
      apiKey?: string;
    } = {},
  ) {
    fake = new FakeGeminiText({ apiKey: TEST_KEY, scripts });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    const llm = new GeminiLlm(
      'llm',
      conversation,
      { ...SETTINGS, ...options.settings },
      { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
    );
    return startLlm(llm, conversation, options);
  }

  it('answers as streamed text, with the system prompt apart and usage reported', async () => {
    const { h, ask } = await setUp([
      {
        text: 'It is sunny in Paris today.',
        usage: { promptTokenCount: 30, candidatesTokenCount: 8, cachedContentTokenCount: 12 },
      },
    ]);
    await ask('what is the weather like in paris');
    await drain(h);
    expect(textOf(h.downstream())).toBe('It is sunny in Paris today.');
    expect(h.downstream('llm.text').length).toBeGreaterThan(1); // streamed, not in one piece
    const types = h.downstreamTypes().filter((t) => t !== 'llm.text');
    expect(types).toEqual(['llm.response.start', 'metrics', 'metrics', 'llm.response.end']);
    expect(usageMetrics(h)[0]).toMatchObject({
      value: 38,
      detail: { promptTokens: 30, completionTokens: 8, cacheReadTokens: 12 },
    });
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(request.query).toBe('alt=sse');
    expect(request.apiKey).toBe(TEST_KEY);
    expect(request.json).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'what is the weather like in paris' }] }],
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      generationConfig: {
        maxOutputTokens: 512,
        temperature: 0.5,
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
    expect(request.json).not.toHaveProperty('tools');
    // SDK-only options stay out of the wire request.
    expect(JSON.stringify(request.json)).not.toMatch(/automaticContinuation|abortSignal/);
  });

  it('runs two parallel function calls, feeds both responses back by name, then answers', async () => {
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
          functionCalls: [
            { name: 'get_weather', args: { city: 'Tokyo' } },
            { name: 'get_time', args: { city: 'Tokyo' } },
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
      { id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      { id: 'call_2', name: 'get_time', arguments: '{"city":"Tokyo"}' },
    ]);
    expect(h.downstream('llm.tool.result')).toHaveLength(2);
    expect(textOf(h.downstream())).toBe(
      'Let me check. It is 18 degrees and half past nine in Tokyo.',
    );

    const [first, second] = fake.requests;
    expect(first.json?.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'the get_weather tool',
            parametersJsonSchema: tools[0].parameters,
          },
          {
            name: 'get_time',
            description: 'the get_time tool',
            parametersJsonSchema: tools[1].parameters,
          },
        ],
      },
    ]);
    expect(second.json?.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather and time in Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
          { functionCall: { name: 'get_time', args: { city: 'Tokyo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'get_weather',
              response: { temperature: 18, unit: 'celsius' },
            },
          },
          { functionResponse: { name: 'get_time', response: { output: '09:30' } } },
        ],
      },
    ]);
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);

    // Ids stay unique across turns, so earlier calls still pair with their results.
    fake.scripts.push(
      { functionCalls: [{ name: 'get_time', args: { city: 'Oslo' } }] },
      { text: 'Done.' },
    );
    await ask('and in Oslo?');
    await drain(h);
    const nextCall = h.downstream('llm.tool.call')[1];
    expect(nextCall.type === 'llm.tool.call' && nextCall.calls[0].id).toBe('call_3');
  });

  it('aborts the request when interrupted mid-stream, and nothing more of that answer comes out', async () => {
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
    expect(h.upstream('error')).toHaveLength(0);

    await ask('again');
    await drain(h);
    expect(textOf(h.downstream()).endsWith('Next answer.')).toBe(true);
  });

  it('retries a 429 and a 500 before any output', async () => {
    const { logger, lines } = captureLogger();
    const { h, ask } = await setUp(
      [{ status: 429 }, { status: 500 }, { text: 'Third time lucky.' }],
      { logger },
    );
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(3);
    expect(textOf(h.downstream())).toBe('Third time lucky.');
    expect(h.upstream('error')).toHaveLength(0);
    const retries = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg?.toString().includes('retrying'));
    expect(retries.map((r) => r.status)).toEqual([429, 500]);
  });

  it('does not repeat a reply cut mid-stream: the fallback follows, and the next turn works', async () => {
    const { h, ask } = await setUp([
      { text: 'The answer is that', dropAfterChunks: 2 },
      { text: 'Back again.' },
    ]);
    await ask('hello');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    expect(textOf(h.downstream())).toBe(`The answer ${SETTINGS.fallbackReply}`);
    expect(h.upstream('error')).toHaveLength(1);
    await ask('again');
    await drain(h);
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

  it('never lets the API key reach logs or frames, even when the server echoes it', async () => {
    const { logger, lines } = captureLogger();
    const wrongKey = `${TEST_KEY}-wrong`;
    const { h, ask } = await setUp([], { logger, apiKey: wrongKey });
    await ask('hello'); // 400 from the fake: "API key not valid: <key>"
    await drain(h);
    expect(fake.requests).toHaveLength(1); // a wrong key is not retried
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain('API key not valid: [redacted]');
    const all = framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n');
    expect(all).not.toContain(TEST_KEY);
  });

  it('applies live settings to the next request', async () => {
    const { h, ask } = await setUp([{ text: 'a' }]);
    h.processor.updateSettings({ model: 'gemini-2.5-flash-lite', systemPrompt: 'New prompt.' });
    await ask('hello');
    await drain(h);
    expect(fake.requests[0].path).toBe(
      '/v1beta/models/gemini-2.5-flash-lite:streamGenerateContent',
    );
    expect(fake.requests[0].json).toMatchObject({
      systemInstruction: { parts: [{ text: 'New prompt.' }] },
    });
  });
});

describe('llm.gemini in a graph', () => {
  const cascade = JSON.parse(
    readFileSync(new URL('../../graphs/anthropic-cascade.json', import.meta.url), 'utf8'),
  ) as GraphDocument;
  const doc: GraphDocument = {
    ...cascade,
    nodes: cascade.nodes.map((n) =>
      n.type === 'llm.anthropic' ? { ...n, type: 'llm.gemini', config: {} } : n,
    ),
  };

  it('refuses to start without GEMINI_API_KEY, naming the variable', () => {
    const registry = createDefaultRegistry();
    const env = { DEEPGRAM_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' };
    expect(() => new GraphRunner(doc, { registry, env })).toThrow(MissingCredentialError);
    expect(() => new GraphRunner(doc, { registry, env })).toThrow(/GEMINI_API_KEY\b/);
  });
});

describe('toGeminiContents', () => {
  it('merges same-role turns, keeps responses first, and drops calls whose result never came', () => {
    const { systemInstruction, contents } = toGeminiContents(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Weather?' },
        { role: 'user', content: 'In Rome.' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Rome"}' }],
        },
        // Interrupted while the tool ran: a call with no result.
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_2', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'sun' },
        { role: 'user', content: 'And Oslo?' },
      ],
      new Map([['call_1', 'sig-1']]),
    );
    expect(systemInstruction).toBe('Be brief.');
    expect(contents).toEqual([
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'Weather?' }, { text: 'In Rome.' }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { city: 'Rome' } },
            thoughtSignature: 'sig-1',
          },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: 'sun' } } },
          { text: 'And Oslo?' },
        ],
      },
    ]);
  });
});
