import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import {
  DeepgramTts,
  type DeepgramTtsSettings,
} from '../../engine/providers/deepgram/DeepgramTts.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeDeepgram, type FakeDeepgramOptions } from '../fakes/FakeDeepgram.ts';
import { tone } from '../fakes/FakeOpenAI.ts';
import { captureLogger, drain, framesAsText, TEST_KEY, waitFor } from './providerTestKit.ts';

const SETTINGS: DeepgramTtsSettings = {
  model: 'aura-2-thalia-en',
  sampleRate: 24000,
  firstByteTimeoutMs: 3000,
};
const samplesOf = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'audio.out' ? [...f.audio] : []));

describe('DeepgramTts against the fake speak socket, through @deepgram/sdk', () => {
  let fake: FakeDeepgram;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    await fake?.stop();
  });

  async function setUp(
    options: FakeDeepgramOptions = {},
    settings: Partial<DeepgramTtsSettings> = {},
    logger?: Logger,
    apiKey = TEST_KEY,
  ) {
    fake = new FakeDeepgram({ apiKey: TEST_KEY, ...options });
    const baseUrl = await fake.start();
    h = new ProcessorHarness(
      new DeepgramTts('tts', { ...SETTINGS, ...settings }, { apiKey, baseUrl }),
      { logger },
    );
    await h.start();
    const say = (text: string) => h!.send(h!.frame('tts.text', { text }));
    return { h, say };
  }

  it('speaks each sentence with Speak + Flush on one socket, streaming its audio', async () => {
    const { h, say } = await setUp({ speakChunkBytes: 4801 });
    await say('Hello there.'); // 12 chars → 120 ms of tone
    await say('Bye.');
    await drain(h);
    expect(fake.speaks).toHaveLength(1);
    const session = fake.speaks[0];
    expect(session.authorization).toBe(`Token ${TEST_KEY}`);
    expect(Object.fromEntries(session.query)).toEqual({
      model: 'aura-2-thalia-en',
      encoding: 'linear16',
      sample_rate: '24000',
    });
    expect(session.messages).toEqual([
      { type: 'Speak', text: 'Hello there.' },
      { type: 'Flush' },
      { type: 'Speak', text: 'Bye.' },
      { type: 'Flush' },
    ]);
    expect(samplesOf(h.downstream())).toEqual([...tone(120), ...tone(40)]);
    expect(h.downstream('audio.out').length).toBeGreaterThan(2);
    expect(h.downstreamTypes().filter((t) => t !== 'audio.out')).toEqual([
      'tts.start',
      'metrics',
      'tts.text',
      'metrics',
      'tts.text',
    ]);
  });

  it('sends Clear on interrupt, drops the audio still in flight, and the next sentence works', async () => {
    const { h, say } = await setUp({
      speakChunkBytes: 960,
      speakChunkDelayMs: 10,
      speakMsPerChar: 50,
    });
    await say('A long sentence to be cut short by the user.');
    await waitFor(h, () => h.downstream('audio.out').length >= 2);
    await h.send(h.frame('interrupt', { reason: 'barge-in' }));
    const atInterrupt = h.downstream('audio.out').length;
    await waitFor(undefined, () => fake.speaks[0].messages.some((m) => m.type === 'Clear'));
    await new Promise((r) => setTimeout(r, 60));
    expect(h.downstream('audio.out')).toHaveLength(atInterrupt);

    await say('Yes?');
    await drain(h);
    expect(samplesOf(h.downstream()).length).toBe(atInterrupt * 480 + tone(200).length);
    expect(fake.speaks).toHaveLength(1);
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('when the socket dies mid-sentence: error upstream, and the next sentence reconnects', async () => {
    const { h, say } = await setUp({ speakDropAfterChunks: 1, speakChunkBytes: 960 });
    await say('This one is cut.');
    await drain(h);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(/closed mid-sentence \(code 1006\)/);
    expect(h.downstream('audio.out')).toHaveLength(1);
  });

  it('recovers on a new socket after a drop', async () => {
    const { h, say } = await setUp({ speakChunkBytes: 960 });
    await waitFor(undefined, () => fake.speaks.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    fake.drop(fake.speaks[0]);
    await new Promise((r) => setTimeout(r, 30));
    await say('Still here.');
    await drain(h);
    expect(fake.speaks).toHaveLength(2);
    expect(samplesOf(h.downstream())).toHaveLength(tone(110).length);
  });

  it('fails a sentence that gets no audio in time and reopens the socket', async () => {
    const { h, say } = await setUp({ speakHang: true }, { firstByteTimeoutMs: 1000 });
    await say('Hello?');
    await drain(h, 250);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toBe('no audio from Deepgram within 1000 ms');
    await waitFor(undefined, () => fake.speaks[0].closed);
  });

  it('reports a refused connection without the key', async () => {
    const { logger, lines } = captureLogger();
    const { h, say } = await setUp({}, {}, logger, `${TEST_KEY}-wrong`);
    await say('Hello.');
    await drain(h);
    expect(h.upstream('error')).toHaveLength(1);
    expect(fake.refused.length).toBeGreaterThanOrEqual(1);
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });
});
