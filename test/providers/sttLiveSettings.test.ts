/**
 * Live settings of the cloud STT nodes are parsed by their own schema: an
 * unknown key or a bad value is refused whole, with an error frame naming the
 * node and the key, and the settings in use stay; a good update applies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeepgramStt, deepgramSttSettings } from '../../engine/providers/deepgram/DeepgramStt.ts';
import { OpenAIStt, openAISttSettings } from '../../engine/providers/openai/OpenAIStt.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeDeepgram } from '../fakes/FakeDeepgram.ts';
import { FakeOpenAI } from '../fakes/FakeOpenAI.ts';
import { drain, TEST_KEY, waitFor } from './providerTestKit.ts';

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f) => (f.type === 'error' ? f.message : ''));
const chunk = (h: ProcessorHarness) =>
  h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 });

describe('DeepgramStt live settings', () => {
  let fake: FakeDeepgram;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    await fake?.stop();
  });

  /** A node with the schema's defaults, its stream open, the user speaking. */
  async function setUp() {
    fake = new FakeDeepgram({ apiKey: TEST_KEY });
    const baseUrl = await fake.start();
    const stt = new DeepgramStt('stt', deepgramSttSettings.parse({}), {
      apiKey: TEST_KEY,
      baseUrl,
    });
    h = new ProcessorHarness(stt);
    await h.start();
    await waitFor(undefined, () => stt.isOpen);
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 0, paddingMs: 0 }));
    return { h, session: fake.listens[0] };
  }

  it('refuses a packet size outside Deepgram’s 20–250 ms, naming the key', async () => {
    const { h, session } = await setUp();
    h.processor.updateSettings({ sendChunkMs: 5 });
    for (let i = 0; i < 3; i++) await h.send(chunk(h));
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'stt': 'sendChunkMs' is invalid/),
    ]);
    // Still the default 60 ms packets: three 20 ms chunks make one message.
    await waitFor(undefined, () => session.audioMessages === 1);
    expect(session.audioBytes).toBe(3 * 640);
  });

  it('refuses an update with an unknown key whole: its valid keys are not applied', async () => {
    const { h, session } = await setUp();
    h.processor.updateSettings({ sendChunkMs: 20, chunkMs: 20 });
    for (let i = 0; i < 3; i++) await h.send(chunk(h));
    expect(errors(h)).toEqual([expect.stringMatching(/'chunkMs' is not one of its settings/)]);
    await waitFor(undefined, () => session.audioMessages === 1);
  });

  it('applies a good update to the next packet', async () => {
    const { h, session } = await setUp();
    h.processor.updateSettings({ sendChunkMs: 20 });
    for (let i = 0; i < 3; i++) await h.send(chunk(h));
    await waitFor(undefined, () => session.audioMessages === 3);
    expect(errors(h)).toEqual([]);
  });
});

describe('OpenAIStt live settings', () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake?.stop());

  async function setUp() {
    fake = new FakeOpenAI({ apiKey: TEST_KEY, transcriptions: [{ text: 'hello' }] });
    const baseUrl = await fake.start();
    const settings = openAISttSettings.parse({ prompt: 'Parley' });
    const h = new ProcessorHarness(new OpenAIStt('stt', settings, { apiKey: TEST_KEY, baseUrl }));
    await h.start();
    const utterance = async () => {
      await h.send(h.frame('user.speaking.started', {}));
      for (let i = 0; i < 15; i++) {
        await h.advance(20);
        await h.send(chunk(h));
      }
      await h.send(h.frame('user.speaking.stopped', {}));
      await drain(h);
    };
    const lastForm = () => fake.requestsTo('/v1/audio/transcriptions').at(-1)?.form;
    return { h, utterance, lastForm };
  }

  it('refuses an out-of-range value, naming the key; the old settings keep working', async () => {
    const { h, utterance, lastForm } = await setUp();
    h.processor.updateSettings({ minSegmentMs: 5000 });
    await utterance();
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'stt': 'minSegmentMs' is invalid/),
    ]);
    expect(lastForm()).toMatchObject({ prompt: 'Parley' });
  });

  it('refuses an update with an unknown key whole: its valid keys are not applied', async () => {
    const { h, utterance, lastForm } = await setUp();
    h.processor.updateSettings({ prompt: 'Tokyo', temperature: 0 });
    await utterance();
    expect(errors(h)).toEqual([expect.stringMatching(/'temperature' is not one of its settings/)]);
    expect(lastForm()).toMatchObject({ prompt: 'Parley' });
  });

  it('applies a good update to the next utterance', async () => {
    const { h, utterance, lastForm } = await setUp();
    h.processor.updateSettings({ prompt: 'Tokyo', language: 'ja' });
    await utterance();
    expect(errors(h)).toEqual([]);
    expect(lastForm()).toMatchObject({ prompt: 'Tokyo', language: 'ja' });
    expect(h.downstream('transcript.final')).toHaveLength(1);
  });
});
