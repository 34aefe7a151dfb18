import { afterEach, describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import {
  OpenAIRealtime,
  type OpenAIRealtimeSettings,
} from '../../engine/providers/openai/OpenAIRealtime.ts';
import { realtimeUrl } from '../../engine/providers/openai/RealtimeSocket.ts';
import { PlaybackTracker } from '../../engine/services/s2s/PlaybackTracker.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../engine/tools/Tool.ts';
import { FakeOpenAIRealtime, type RealtimeResponseScript } from '../fakes/FakeOpenAIRealtime.ts';
import { captureLogger, framesAsText, TEST_KEY, waitFor } from './providerTestKit.ts';

const SETTINGS: OpenAIRealtimeSettings = {
  model: 'gpt-realtime',
  instructions: 'Be brief.',
  voice: 'marin',
  vadThreshold: 0.5,
  silenceDurationMs: 500,
  prefixPaddingMs: 300,
  transcriptionModel: 'gpt-4o-mini-transcribe',
  reconnectDelayMs: 1000,
  truncationRetentionRatio: 0,
};

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

describe('OpenAIRealtime against the fake Realtime API (GA events)', () => {
  let fake: FakeOpenAIRealtime;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    h = undefined;
    await fake?.stop();
  });

  async function setUp(
    responses: RealtimeResponseScript[] = [],
    options: { logger?: Logger; apiKey?: string; tools?: Tool[] } = {},
  ) {
    fake = new FakeOpenAIRealtime({ apiKey: TEST_KEY, responses });
    const baseUrl = await fake.start();
    const conversation = new ConversationContext();
    const s2s = new OpenAIRealtime(
      's2s',
      SETTINGS,
      { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
      conversation,
    );
    s2s.setTools(options.tools ?? []);
    h = new ProcessorHarness(s2s, { logger: options.logger });
    await h.start();
    return { h, s2s, conversation };
  }

  async function connected(s2s: OpenAIRealtime) {
    await waitFor(
      undefined,
      () =>
        s2s.isConnected &&
        fake.sessions.length > 0 &&
        fake.eventsOf(fake.sessions.at(-1)!, 'session.update').length > 0,
    );
    return fake.sessions.at(-1)!;
  }

  it('connects with the key and configures the session: instructions, voice, 24 kHz PCM, server VAD, tools', async () => {
    const { s2s } = await setUp([], { tools: [weatherTool] });
    const session = await connected(s2s);
    expect(session.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(session.query.get('model')).toBe('gpt-realtime');
    expect(fake.eventsOf(session, 'session.update')[0]).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            transcription: { model: 'gpt-4o-mini-transcribe' },
            turn_detection: {
              type: 'server_vad',
              threshold: 0.5,
              silence_duration_ms: 500,
              prefix_padding_ms: 300,
              create_response: true,
              interrupt_response: true,
            },
          },
          output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
        },
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: weatherTool.parameters,
          },
        ],
        tool_choice: 'auto',
        truncation: 'auto',
      },
    });
  });

  it('asks the server to truncate a long call to a retained fraction, live', async () => {
    const { s2s } = await setUp();
    const session = await connected(s2s);
    s2s.updateSettings({ truncationRetentionRatio: 0.8 });
    await waitFor(undefined, () => fake.eventsOf(session, 'session.update').length > 1);
    expect(fake.eventsOf(session, 'session.update').at(-1)).toMatchObject({
      session: { truncation: { type: 'retention_ratio', retention_ratio: 0.8 } },
    });
  });

  it('resamples 16 kHz microphone audio to 24 kHz before appending it', async () => {
    const { h, s2s } = await setUp();
    const session = await connected(s2s);
    for (let i = 0; i < 50; i++)
      await h.send(
        h.frame('audio.in', { audio: new Int16Array(320).fill(1000), sampleRate: 16000 }),
      );
    await waitFor(undefined, () => session.appendedSamples > 23_500);
    expect(session.appendedSamples).toBeLessThanOrEqual(24_000); // one second, less the filter's delay
    expect(h.downstream('audio.in')).toHaveLength(50);
  });

  it('plays a spoken answer: user events, transcript, audio at 24 kHz, bot text, ttfb, usage, conversation', async () => {
    const { h, s2s, conversation } = await setUp([
      { transcript: 'Hello! How can I help?', audioMs: 500 },
    ]);
    const session = await connected(s2s);
    await fake.userSpeaks(session, 'Hi there');
    await waitFor(
      undefined,
      () =>
        h.downstream('transcript.final').length === 1 &&
        h.downstream('llm.response.end').length === 1,
    );
    const types = h.downstreamTypes().filter((t) => t !== 'audio.out' && t !== 'llm.text');
    expect(types).toEqual([
      'user.speaking.started',
      'user.speaking.stopped',
      'llm.response.start',
      'metrics',
      'metrics',
      'llm.response.end',
      'transcript.final',
    ]);
    expect(samplesOut(h.downstream())).toBe(12_000);
    expect(
      h.downstream('audio.out').every((f) => f.type === 'audio.out' && f.sampleRate === 24000),
    ).toBe(true);
    expect(
      h
        .downstream('llm.text')
        .map((f) => f.type === 'llm.text' && f.text)
        .join(''),
    ).toBe('Hello! How can I help?');
    expect(h.downstream('interrupt')).toHaveLength(0); // nothing was playing
    const metrics = h.downstream('metrics').flatMap((f) => (f.type === 'metrics' ? f.metrics : []));
    // The token details of response.done, by modality, cached tokens apart.
    expect(metrics.find((m) => m.name === 's2s.usage')).toMatchObject({
      value: 120,
      detail: {
        promptTokens: 80,
        completionTokens: 40,
        inputTextTokens: 20,
        inputAudioTokens: 60,
        cachedTokens: 16,
        outputTextTokens: 10,
        outputAudioTokens: 30,
      },
    });
    expect(conversation.messages).toEqual([
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Hi there' },
    ]);
  });

  it('answers function calls with the graph tools and asks the model to go on', async () => {
    const { h, s2s } = await setUp(
      [
        {
          functionCalls: [
            { name: 'get_weather', arguments: '{"location":"Tokyo"}', callId: 'call_1' },
          ],
        },
        { transcript: 'It is 18 degrees in Tokyo.', audioMs: 300 },
      ],
      { tools: [weatherTool] },
    );
    const session = await connected(s2s);
    await fake.userSpeaks(session, 'Weather in Tokyo?');
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 2);
    const outputs = fake.eventsOf(session, 'conversation.item.create');
    expect(outputs).toEqual([
      {
        type: 'conversation.item.create',
        item: {
          type: 'function_call_output',
          call_id: 'call_1',
          output: '{"location":"Tokyo","temperature":18}',
        },
      },
    ]);
    expect(fake.eventsOf(session, 'response.create')).toHaveLength(1);
    const result = h.downstream('llm.tool.result')[0];
    expect(result).toMatchObject({ callId: 'call_1', name: 'get_weather', isError: false });
    expect(samplesOut(h.downstream())).toBe(7200);
  });

  it('on barge-in: user.speaking.started + interrupt downstream, no more audio, truncate at what was played', async () => {
    const { h, s2s } = await setUp([
      {
        transcript: 'A very long story about many things.',
        audioMs: 5000,
        chunkMs: 100,
        chunkDelayMs: 15,
      },
    ]);
    const session = await connected(s2s);
    void fake.userSpeaks(session, 'Tell me a story');
    await waitFor(undefined, () => h.downstream('audio.out').length >= 5);
    // At least 500 ms were pushed; the output started playing at t = 0 (virtual) and 300 ms later the user talks over the bot.
    await h.send(h.frame('bot.speaking.started', {}), 'upstream');
    await h.advance(300);
    const before = h.downstream().length;
    fake.speechStarted(session);
    await waitFor(
      undefined,
      () => fake.eventsOf(session, 'conversation.item.truncate').length === 1,
    );
    const after = h
      .downstream()
      .slice(before)
      .map((f) => f.type);
    expect(after.slice(0, 2)).toEqual(['user.speaking.started', 'interrupt']);
    const truncate = fake.eventsOf(session, 'conversation.item.truncate')[0];
    expect(truncate).toMatchObject({ content_index: 0, audio_end_ms: 300 });
    const audioAtBargeIn = h.downstream('audio.out').length;
    await new Promise((r) => setTimeout(r, 80));
    expect(h.downstream('audio.out')).toHaveLength(audioAtBargeIn);
    expect(h.downstream('llm.response.end')).toHaveLength(0);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('when the socket dies: error upstream, reconnect on the next audio after the delay, session configured again', async () => {
    const { h, s2s } = await setUp();
    const first = await connected(s2s);
    fake.drop(first);
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(
      /Realtime session closed \(code 1006\)/,
    );
    await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.sessions).toHaveLength(1); // still backing off
    await h.advance(1000);
    await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
    await connected(s2s);
    expect(fake.sessions).toHaveLength(2);
  });

  it('reports a refused connection without leaking the key', async () => {
    const { logger, lines } = captureLogger();
    const { h } = await setUp([], { logger, apiKey: `${TEST_KEY}-wrong` });
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toBe('Realtime connection refused: HTTP 401');
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });
});

describe('realtimeUrl', () => {
  it('maps the REST base URL to the WebSocket endpoint', () => {
    expect(realtimeUrl('https://api.openai.com/v1', 'gpt-realtime')).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    );
    expect(realtimeUrl('http://127.0.0.1:9/v1/', 'm')).toBe('ws://127.0.0.1:9/v1/realtime?model=m');
  });
});

describe('PlaybackTracker', () => {
  it('queues items one after another and clamps to what was pushed', () => {
    const t = new PlaybackTracker();
    t.pushed('a', 300, 0);
    t.playbackStarted(40);
    expect(t.playing(140)).toEqual({ itemId: 'a', playedMs: 100 });
    t.pushed('b', 500, 50); // starts when a ends, at 340
    expect(t.playing(440)).toEqual({ itemId: 'b', playedMs: 100 });
    expect(t.playing(2000)).toBeUndefined(); // all played
  });
});
