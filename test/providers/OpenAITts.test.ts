import { afterEach, describe, expect, it } from 'vitest';
import { PcmChunkDecoder } from '../../engine/audio/PcmChunkDecoder.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import { OpenAITts, type OpenAITtsSettings } from '../../engine/providers/openai/OpenAITts.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeOpenAI, type SpeechScript, tone } from '../fakes/FakeOpenAI.ts';
import { captureLogger, drain, framesAsText, TEST_KEY, waitFor } from './providerTestKit.ts';

const SETTINGS: OpenAITtsSettings = {
  model: 'gpt-4o-mini-tts',
  voice: 'coral',
  instructions: 'Cheerful.',
  speed: 1,
  maxRetries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 1000,
  firstByteTimeoutMs: 3000,
};

const samplesOf = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'audio.out' ? [...f.audio] : []));

describe('OpenAITts against the fake /audio/speech, through the openai SDK', () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake?.stop());

  async function setUp(
    speech: SpeechScript[],
    options: { settings?: Partial<OpenAITtsSettings>; logger?: Logger; apiKey?: string } = {},
  ) {
    fake = new FakeOpenAI({ apiKey: TEST_KEY, speech });
    const baseUrl = await fake.start();
    const h = new ProcessorHarness(
      new OpenAITts(
        'tts',
        { ...SETTINGS, ...options.settings },
        { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
      ),
      { logger: options.logger },
    );
    await h.start();
    const say = (text: string) => h.send(h.frame('tts.text', { text }));
    return { h, say };
  }

  it('streams PCM 24 kHz as it arrives, sample-exact across odd chunk boundaries', async () => {
    const { h, say } = await setUp([{ durationMs: 500, chunkBytes: 4801, chunkDelayMs: 5 }]);
    await h.send(h.frame('llm.response.start', {}));
    await say('Hello there.');
    await h.send(h.frame('llm.response.end', {}));
    await drain(h);
    const audio = h.downstream('audio.out');
    expect(audio.length).toBeGreaterThan(3); // pushed in pieces, not as one clip
    expect(audio.every((f) => f.type === 'audio.out' && f.sampleRate === 24000)).toBe(true);
    expect(samplesOf(h.downstream())).toEqual([...tone(500)]);
    const types = h.downstreamTypes().filter((t) => t !== 'audio.out');
    expect(types).toEqual([
      'llm.response.start',
      'tts.start',
      'metrics',
      'tts.text',
      'tts.stop',
      'llm.response.end',
    ]);
    const [request] = fake.requestsTo('/v1/audio/speech');
    expect(request.json).toEqual({
      model: 'gpt-4o-mini-tts',
      voice: 'coral',
      input: 'Hello there.',
      response_format: 'pcm',
      speed: 1,
      instructions: 'Cheerful.',
    });
    expect(request.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('cancels the HTTP request on interrupt and plays nothing more of it', async () => {
    const { h, say } = await setUp([
      { durationMs: 3000, chunkBytes: 2400, chunkDelayMs: 20 },
      { durationMs: 100 },
    ]);
    await say('A long sentence that will be cut.');
    await waitFor(h, () => h.downstream('audio.out').length >= 2);
    await h.send(h.frame('interrupt', { reason: 'barge-in' }));
    const atInterrupt = h.downstream('audio.out').length;
    await waitFor(undefined, () => fake.requests[0].clientClosedEarly);
    await new Promise((r) => setTimeout(r, 80));
    expect(h.downstream('audio.out')).toHaveLength(atInterrupt);
    expect(h.upstream('error')).toHaveLength(0);

    await say('Next.');
    await drain(h);
    expect(h.downstream('audio.out').length).toBeGreaterThan(atInterrupt);
  });

  it('retries a 500 before any audio, then speaks', async () => {
    const { h, say } = await setUp([{ status: 500 }, { durationMs: 200 }]);
    await say('Retry me.');
    await drain(h);
    expect(fake.requests).toHaveLength(2);
    expect(samplesOf(h.downstream())).toHaveLength(4800);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('on a persistent fault pushes an error upstream, and the next sentence works', async () => {
    const { h, say } = await setUp([{ status: 500 }, { status: 502 }, { durationMs: 100 }], {
      settings: { maxRetries: 1 },
    });
    await say('This fails.');
    await say('This works.');
    await drain(h);
    expect(h.upstream('error')).toHaveLength(1);
    expect(h.upstream('error')[0]).toMatchObject({ source: 'tts', fatal: false });
    const spoken = h.downstream('tts.text').map((f) => f.type === 'tts.text' && f.text);
    expect(spoken).toEqual(['This works.']);
    expect(samplesOf(h.downstream())).toHaveLength(2400);
  });

  it('gives up on a server that never sends the first byte, and closes the request', async () => {
    const { h, say } = await setUp([{ hang: true }], {
      settings: { maxRetries: 0, firstByteTimeoutMs: 800 },
    });
    await say('Anyone there?');
    await drain(h, 200);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toBe('no response within 800 ms');
    await waitFor(undefined, () => fake.requests[0].clientClosedEarly);
  });

  it('reports a stream cut midway as an error without repeating the audio already played', async () => {
    const { h, say } = await setUp([
      { durationMs: 1000, chunkBytes: 4800, dropAfterChunks: 2 },
      { durationMs: 100 },
    ]);
    await say('Cut.');
    await drain(h);
    expect(fake.requests).toHaveLength(1);
    expect(h.upstream('error')).toHaveLength(1);
    expect(samplesOf(h.downstream())).toHaveLength(4800);
  });

  it('never lets the API key reach logs or frames', async () => {
    const { logger, lines } = captureLogger();
    const { h, say } = await setUp([], { logger, apiKey: `${TEST_KEY}-wrong` });
    await say('Hello.');
    await drain(h);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toContain('401');
    expect(lines.length).toBeGreaterThan(0);
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });
});

describe('PcmChunkDecoder', () => {
  it('rejoins samples split across chunks', () => {
    const d = new PcmChunkDecoder();
    const bytes = new Uint8Array(new Int16Array([1, -2, 300, -32768, 32767]).buffer);
    const out = [
      ...d.push(bytes.subarray(0, 3)),
      ...d.push(bytes.subarray(3, 4)),
      ...d.push(bytes.subarray(4, 4)),
      ...d.push(bytes.subarray(4)),
    ];
    expect(out).toEqual([1, -2, 300, -32768, 32767]);
  });
});
