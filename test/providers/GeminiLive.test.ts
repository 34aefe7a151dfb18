import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { MissingCredentialError } from '../../engine/graph/NodeRegistry.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import {
  GeminiLive,
  type GeminiLiveSettings,
  geminiLiveSettings,
} from '../../engine/providers/google/GeminiLive.ts';
import { playedPart } from '../../engine/providers/google/playedPart.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import {
  FakeGeminiLive,
  type GeminiLiveSession,
  type GeminiTurnScript,
  LIVE_PATH,
} from '../fakes/FakeGeminiLive.ts';
import { captureLogger, framesAsText, TEST_KEY, waitFor } from './providerTestKit.ts';

const SETTINGS: GeminiLiveSettings = geminiLiveSettings.parse({
  systemInstruction: 'Be brief.',
  voice: 'Kore',
});

const weatherTool: Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  timeoutMs: 2000,
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
  execute: async (args) => ({ location: (args as { location: string }).location, temperature: 18 }),
};

const samplesOut = (frames: Frame[]) =>
  frames.reduce((n, f) => n + (f.type === 'audio.out' ? f.audio.length : 0), 0);
const textOut = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : [])).join('');

describe('GeminiLive against the fake Live API, through @google/genai', () => {
  let fake: FakeGeminiLive;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    h = undefined;
    await fake?.stop();
  });

  async function setUp(
    turns: GeminiTurnScript[] = [],
    options: {
      logger?: Logger;
      apiKey?: string;
      tools?: Tool[];
      settings?: Partial<GeminiLiveSettings>;
    } = {},
  ) {
    fake = new FakeGeminiLive({ apiKey: TEST_KEY, turns });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    const s2s = new GeminiLive(
      's2s',
      { ...SETTINGS, ...options.settings },
      { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
      conversation,
    );
    s2s.setTools(options.tools ?? []);
    h = new ProcessorHarness(s2s, { logger: options.logger });
    await h.start();
    return { h, s2s, conversation };
  }

  async function connected(s2s: GeminiLive, count = 1): Promise<GeminiLiveSession> {
    await waitFor(undefined, () => s2s.isConnected && fake.sessions.length >= count);
    return fake.sessions.at(-1)!;
  }

  /** `ms` of 16 kHz speech then enough silence for the fake's VAD to end the turn. */
  async function userSpeaks(harness: ProcessorHarness, ms = 300): Promise<void> {
    const loud = new Int16Array(320);
    for (let i = 0; i < loud.length; i++) loud[i] = Math.round(6000 * Math.sin(i / 3));
    for (let t = 0; t < ms; t += 20)
      await harness.send(harness.frame('audio.in', { audio: loud, sampleRate: 16000 }));
    for (let t = 0; t < 400; t += 20)
      await harness.send(
        harness.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }),
      );
  }

  it('dials the SDK’s URL with the key and sends the setup: voice, VAD, transcription, resumption, compression, tools', async () => {
    const { s2s } = await setUp([], { tools: [weatherTool] });
    const session = await connected(s2s);
    expect(session.path.replace(/\/{2,}/g, '/').split('?')[0]).toBe(LIVE_PATH);
    expect(session.key).toBe(TEST_KEY);
    expect(session.setup).toMatchObject({
      model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
      generationConfig: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      realtimeInputConfig: {
        automaticActivityDetection: {
          disabled: false,
          silenceDurationMs: 500,
          prefixPaddingMs: 300,
        },
      },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      sessionResumption: {},
      contextWindowCompression: { slidingWindow: {} },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city',
              parametersJsonSchema: weatherTool.parameters,
            },
          ],
        },
      ],
    });
  });

  it('answers a spoken question: 16 kHz audio in, 24 kHz audio out, transcripts both ways, conversation', async () => {
    const { h, s2s, conversation } = await setUp([
      { heard: 'What time is it?', say: 'It is noon.', audioMs: 500 },
    ]);
    const session = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    expect(session.audioMimeTypes).toEqual(new Set(['audio/pcm;rate=16000']));
    expect(session.audioSamples).toBeGreaterThan(16000 * 0.6);
    expect(
      h.downstream('transcript.final').map((f) => f.type === 'transcript.final' && f.text),
    ).toEqual(['What time is it?']);
    expect(samplesOut(h.downstream())).toBe(12_000);
    expect(
      h.downstream('audio.out').every((f) => f.type === 'audio.out' && f.sampleRate === 24000),
    ).toBe(true);
    expect(textOut(h.downstream())).toBe('It is noon.');
    const metrics = h.downstream('metrics').flatMap((f) => (f.type === 'metrics' ? f.metrics : []));
    expect(metrics.find((m) => m.name === 's2s.usage')).toMatchObject({
      value: 140,
      // Split by modality as Gemini's usageMetadata reports it.
      detail: {
        promptTokens: 100,
        completionTokens: 40,
        inputTextTokens: 30,
        inputAudioTokens: 70,
        outputTextTokens: 0,
        outputAudioTokens: 40,
      },
    });
    expect(conversation.messages).toEqual([
      { role: 'user', content: 'What time is it?' },
      { role: 'assistant', content: 'It is noon.' },
    ]);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('answers a typed question through clientContent', async () => {
    const { h, s2s } = await setUp([{ say: 'Hello there.' }]);
    const session = await connected(s2s);
    await h.send(h.frame('text.input', { text: 'Hi' }));
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    expect(fake.messagesWith(session, 'clientContent')).toEqual([
      { clientContent: { turns: [{ role: 'user', parts: [{ text: 'Hi' }] }], turnComplete: true } },
    ]);
    expect(textOut(h.downstream())).toBe('Hello there.');
  });

  it('runs a tool call that arrives while the answer is playing and sends the response with its id', async () => {
    const { h, s2s, conversation } = await setUp(
      [
        {
          heard: 'Weather in Tokyo?',
          say: 'Let me check.',
          audioMs: 600,
          toolCalls: [{ id: 'fc_1', name: 'get_weather', args: { location: 'Tokyo' } }],
        },
        { say: 'It is 18 degrees in Tokyo.', audioMs: 300 },
      ],
      { tools: [weatherTool] },
    );
    const session = await connected(s2s);
    await userSpeaks(h);
    await h.send(h.frame('bot.speaking.started', {}), 'upstream');
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 2);
    expect(fake.messagesWith(session, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 'fc_1', name: 'get_weather', response: { location: 'Tokyo', temperature: 18 } },
          ],
        },
      },
    ]);
    expect(h.downstream('llm.tool.call')[0]).toMatchObject({
      calls: [{ id: 'fc_1', name: 'get_weather', arguments: '{"location":"Tokyo"}' }],
    });
    expect(h.downstream('llm.tool.result')[0]).toMatchObject({ callId: 'fc_1', isError: false });
    expect(samplesOut(h.downstream())).toBe(24_000 * 0.9);
    expect(h.downstream('interrupt')).toHaveLength(0);
    expect(conversation.messages.map((m) => m.content)).toEqual([
      'Weather in Tokyo?',
      'Let me check.',
      'It is 18 degrees in Tokyo.',
    ]);
  });

  it('drops a tool call the server cancelled (toolCallCancellation): no response is sent for it', async () => {
    let release = () => {};
    const slowTool: Tool = {
      ...weatherTool,
      execute: async (args) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return weatherTool.execute(args, { signal: new AbortController().signal });
      },
    };
    const { h, s2s } = await setUp(
      [
        {
          heard: 'Weather in Tokyo?',
          say: 'Let me check.',
          toolCalls: [{ id: 'fc_1', name: 'get_weather', args: { location: 'Tokyo' } }],
        },
      ],
      { tools: [slowTool] },
    );
    const session = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.tool.call').length === 1);
    // The user spoke again before the tool answered: the server takes the call back.
    fake.cancelToolCalls(session, ['fc_1']);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await waitFor(undefined, () => h.downstream('llm.tool.result').length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.messagesWith(session, 'toolResponse')).toEqual([]);
  });

  it('client turn detection: the graph’s VAD marks turns as activityStart/End, and its speech start cuts the bot at once', async () => {
    const { h, s2s, conversation } = await setUp(
      [
        {
          heard: 'Tell me a story',
          say: 'Once upon a time there was a very long story about many things.',
          audioMs: 4000,
          chunkMs: 100,
          chunkDelayMs: 30,
        },
        { heard: 'Stop', say: 'Sure.' },
      ],
      { settings: { turnDetection: 'client' } },
    );
    const quiet = () => h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 });
    await h.send(quiet());
    const session = await connected(s2s);
    expect(session.setup?.realtimeInputConfig).toEqual({
      automaticActivityDetection: { disabled: true },
    });
    const turn = async () => {
      await h.send(h.frame('user.speaking.started', { speechStartedAt: 0 }));
      // Loud audio would start a turn for the fake's own VAD; with detection off it must not.
      await userSpeaks(h, 200);
      await h.send(h.frame('user.speaking.stopped', { speechEndedAt: 0 }));
    };
    await turn();
    await waitFor(undefined, () => h.downstream('audio.out').length >= 12);
    await h.send(h.frame('bot.speaking.started', {}), 'upstream');
    await h.advance(1000);
    const before = h.downstream().length;
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 0 }));
    // Cut here before the server has answered anything: the interrupt follows the VAD's frame.
    const at = h
      .downstream()
      .slice(before)
      .map((f) => f.type)
      .filter((t) => t !== 'audio.in' && t !== 'audio.out');
    expect(at).toEqual(['interrupt', 'user.speaking.started']);
    await h.send(h.frame('user.speaking.stopped', { speechEndedAt: 0 }));
    // The cut story ends no response (as with the server's VAD); the answer to "Stop" does.
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    const activity = session.messages
      .map((m) => Object.keys((m.realtimeInput as object | undefined) ?? {})[0])
      .filter(Boolean);
    expect(activity).toEqual(['activityStart', 'activityEnd', 'activityStart', 'activityEnd']);
    // The server's own `interrupted` did not announce the user a second time.
    expect(h.downstream('user.speaking.started')).toHaveLength(2);
    expect(conversation.messages.at(-1)).toEqual({ role: 'assistant', content: 'Sure.' });
    expect(conversation.messages[1]?.content.length).toBeLessThan(40); // the story was cut
  });

  it('on interrupted: user.speaking.started + interrupt, no more audio, the assistant message holds what was played', async () => {
    const { h, s2s, conversation } = await setUp([
      {
        heard: 'Tell me a story',
        say: 'Once upon a time there was a very long story about many things.',
        audioMs: 4000,
        chunkMs: 100,
        chunkDelayMs: 30,
      },
      { heard: 'Stop', say: 'Sure.' },
    ]);
    await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('audio.out').length >= 12);
    // Playback began at t = 0 (virtual); 1 s of the 4 s story has been heard when the user talks.
    await h.send(h.frame('bot.speaking.started', {}), 'upstream');
    await h.advance(1000);
    const before = h.downstream().length;
    await userSpeaks(h, 200);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    const after = h
      .downstream()
      .slice(before)
      .map((f) => f.type)
      .filter((t) => t !== 'audio.in' && t !== 'audio.out');
    expect(after.slice(0, 2)).toEqual(['user.speaking.started', 'interrupt']);
    expect(samplesOut(h.downstream())).toBeLessThan(24_000 * 4);
    // What was heard is cut from what had arrived in proportion to the audio played: a prefix.
    const story = 'Once upon a time there was a very long story about many things.';
    const [, heard] = conversation.messages;
    expect(heard?.role).toBe('assistant');
    expect(heard?.content.length).toBeGreaterThan(0);
    expect(story.startsWith(`${heard?.content} `)).toBe(true);
    expect(conversation.messages.map((m) => m.content)).toEqual([
      'Tell me a story',
      heard?.content,
      'Stop',
      'Sure.',
    ]);
  });

  it('on goAway: resumes on a new connection with the latest handle, the conversation kept, the next turn works', async () => {
    const { h, s2s } = await setUp([
      { heard: 'My name is Ada.', say: 'Hello Ada.' },
      { heard: 'What is my name?', say: 'Ada.' },
    ]);
    const first = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    fake.goAway(first);
    const second = await connected(s2s, 2);
    await waitFor(undefined, () => first.closed);
    expect(second.setup?.sessionResumption).toEqual({ handle: 'handle-2' });
    expect(second.history).toEqual(['user: My name is Ada.', 'model: Hello Ada.']);
    expect(fake.messagesWith(second, 'clientContent')).toEqual([]); // no reseeding: the server has it
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 2);
    expect(textOut(h.downstream())).toBe('Hello Ada.Ada.');
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('a live settings change reconnects with the new setup, resuming the session', async () => {
    const { h, s2s } = await setUp([{ heard: 'Hi', say: 'Hello.' }]);
    const first = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    await h.send(h.frame('settings.update', { target: 's2s', settings: { voice: 'Puck' } }));
    const second = await connected(s2s, 2);
    await waitFor(undefined, () => first.closed);
    expect(second.setup).toMatchObject({
      generationConfig: {
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
      },
      sessionResumption: { handle: 'handle-2' },
    });
    expect(second.history).toEqual(['user: Hi', 'model: Hello.']);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('when the socket drops mid-reply: error, reconnect with the handle after the delay, the next turn works', async () => {
    const { h, s2s, conversation } = await setUp([
      { heard: 'Hi', say: 'Hello, how are you?', audioMs: 1000, dropAfterMs: 300 },
      { heard: 'Fine', say: 'Good.' },
    ]);
    const first = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(
      /Gemini Live session closed \(code 1006/,
    );
    expect(h.downstream('llm.response.end')).toHaveLength(1); // the cut response is ended
    await h.advance(1000);
    await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
    const second = await connected(s2s, 2);
    expect(first.closed).toBe(true);
    expect(second.setup?.sessionResumption).toEqual({ handle: 'handle-1' });
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 2);
    expect(conversation.messages.at(-1)).toEqual({ role: 'assistant', content: 'Good.' });
  });

  it('a malformed server message ends that connection as a protocol fault (no rejection escapes the SDK); it resumes and the next turn works', async () => {
    const { h, s2s, conversation } = await setUp([
      { heard: 'Hi', say: 'Hello.' },
      { heard: 'Fine', say: 'Good.' },
    ]);
    const first = await connected(s2s);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    fake.sendRaw(first, Buffer.from('{"serverContent": {"modelTurn": '));
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(
      /Gemini Live session closed \(code 1007.*malformed message from the Live API \(binary frame\): not JSON/,
    );
    await h.advance(1000);
    await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
    const second = await connected(s2s, 2);
    // The latest handle: one after setup, one after the first turn.
    expect(second.setup?.sessionResumption).toEqual({ handle: 'handle-2' });
    fake.sendRaw(second, '[1, 2]');
    await waitFor(undefined, () => h.upstream('error').length === 2);
    const again = h.upstream('error')[1];
    expect(again.type === 'error' && again.message).toMatch(/a JSON array, not an object/);
    await h.advance(1000);
    await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
    await connected(s2s, 3);
    await userSpeaks(h);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 2);
    expect(conversation.messages.at(-1)).toEqual({ role: 'assistant', content: 'Good.' });
  });

  it('seeds a fresh session with the conversation so far when there is no handle', async () => {
    fake = new FakeGeminiLive({ apiKey: TEST_KEY });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    conversation.add({ role: 'user', content: 'I am in Paris.' });
    conversation.add({ role: 'assistant', content: 'Lovely city.' });
    const s2s = new GeminiLive('s2s', SETTINGS, { apiKey: TEST_KEY, baseUrl }, conversation);
    h = new ProcessorHarness(s2s);
    await h.start();
    const session = await connected(s2s);
    await waitFor(undefined, () => fake.messagesWith(session, 'clientContent').length === 1);
    expect(fake.messagesWith(session, 'clientContent')[0]).toEqual({
      clientContent: {
        turns: [
          { role: 'user', parts: [{ text: 'I am in Paris.' }] },
          { role: 'model', parts: [{ text: 'Lovely city.' }] },
        ],
        turnComplete: false,
      },
    });
  });

  it('reports a refused key without leaking it into frames or logs', async () => {
    const { logger, lines } = captureLogger();
    const { h } = await setUp([], { logger, apiKey: `${TEST_KEY}-wrong` });
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(
      /Gemini Live connection closed before it was set up \(code 1007\)/,
    );
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });
});

describe('graphs/gemini-live.json', () => {
  it('is valid and refuses to start without GEMINI_API_KEY, naming it', () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../graphs/gemini-live.json', import.meta.url), 'utf8'),
    ) as GraphDocument;
    const registry = createDefaultRegistry();
    const validation = validateGraph(doc, registry);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(validation.warnings).toEqual([]);
    expect(() => new GraphRunner(doc, { registry, env: {} })).toThrow(MissingCredentialError);
    expect(() => new GraphRunner(doc, { registry, env: {} })).toThrow(/GEMINI_API_KEY\b/);
    new GraphRunner(doc, { registry, env: { GEMINI_API_KEY: 'k' } }).cancel();
  });
});

describe('playedPart', () => {
  it('cuts the transcript in proportion, back to a whole word', () => {
    expect(playedPart('one two three four', 0.5)).toBe('one two');
    expect(playedPart('one two three four', 0.3)).toBe('one');
    expect(playedPart('one two', 0.1)).toBe('');
    expect(playedPart(' all of it ', 1)).toBe('all of it');
  });
});
