import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import {
  DeepgramStt,
  type DeepgramSttSettings,
} from '../../engine/providers/deepgram/DeepgramStt.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeDeepgram, type FakeDeepgramOptions } from '../fakes/FakeDeepgram.ts';
import { captureLogger, framesAsText, TEST_KEY, waitFor } from './providerTestKit.ts';

const SETTINGS: DeepgramSttSettings = {
  model: 'nova-3',
  language: 'en-US',
  smartFormat: true,
  endpointingMs: 300,
  utteranceEndMs: 1000,
  keyterms: ['Parley'],
  keepAliveMs: 4000,
  maxBufferedMs: 2000,
  reconnectDelayMs: 500,
  sendChunkMs: 20, // every 20 ms chunk is its own message here; packets are tested on their own
  quietSendChunkMs: 20,
};

const texts = (frames: Frame[], type: 'transcript.final' | 'transcript.interim') =>
  frames.flatMap((f) => (f.type === type ? [f.text] : []));
const audio = () => new Int16Array(320);

describe('DeepgramStt against the fake live API, through @deepgram/sdk', () => {
  let fake: FakeDeepgram;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    await fake?.stop();
  });

  async function setUp(
    options: FakeDeepgramOptions = {},
    settings: Partial<DeepgramSttSettings> = {},
    logger?: Logger,
    apiKey = TEST_KEY,
  ) {
    fake = new FakeDeepgram({ apiKey: TEST_KEY, ...options });
    const baseUrl = await fake.start();
    const stt = new DeepgramStt('stt', { ...SETTINGS, ...settings }, { apiKey, baseUrl });
    h = new ProcessorHarness(stt, { logger });
    await h.start();
    return { h, stt };
  }

  it('opens the stream at start with the right parameters and key, and sends audio as binary', async () => {
    const { h, stt } = await setUp();
    await waitFor(undefined, () => stt.isOpen);
    const session = fake.listens[0];
    expect(session.authorization).toBe(`Token ${TEST_KEY}`);
    expect(Object.fromEntries(session.query)).toMatchObject({
      model: 'nova-3',
      language: 'en-US',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      smart_format: 'true',
      endpointing: '300',
      utterance_end_ms: '1000',
      vad_events: 'true',
      keyterm: 'Parley',
    });
    for (let i = 0; i < 5; i++)
      await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => session.audioBytes === 5 * 640);
    expect(h.downstream('audio.in')).toHaveLength(5); // passes on
  });

  it('sends audio in packets of sendChunkMs, and flushes the rest before Finalize when the user stops', async () => {
    const { h, stt } = await setUp({ finalizeTranscripts: ['hello'] }, { sendChunkMs: 60 });
    await waitFor(undefined, () => stt.isOpen);
    const session = fake.listens[0];
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 0, paddingMs: 0 }));
    for (let i = 0; i < 5; i++)
      await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => session.audioBytes === 3 * 640); // one 60 ms packet; 40 ms wait for the next
    expect(session.audioMessages).toBe(1);
    await h.send(h.frame('user.speaking.stopped', {}));
    await waitFor(undefined, () => h.downstream('transcript.final').length === 1);
    expect(session.audioBytes).toBe(5 * 640);
    expect(session.audioMessages).toBe(2);
    expect(session.controls).toEqual(['Finalize']);
  });

  it('sends larger packets while nobody speaks, and what it holds at once when speech starts', async () => {
    const { h, stt } = await setUp({}, { sendChunkMs: 60, quietSendChunkMs: 200 });
    await waitFor(undefined, () => stt.isOpen);
    const session = fake.listens[0];
    for (let i = 0; i < 12; i++)
      await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => session.audioBytes === 10 * 640); // one 200 ms packet; 40 ms held
    expect(session.audioMessages).toBe(1);
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 0, paddingMs: 0 }));
    await waitFor(undefined, () => session.audioBytes === 12 * 640); // the onset is not held back
    expect(session.audioMessages).toBe(2);
    for (let i = 0; i < 3; i++)
      await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => session.audioBytes === 15 * 640); // speech: 60 ms packets
    expect(session.audioMessages).toBe(3);
  });

  it('turns interim results into transcript.interim and is_final into transcript.final; Finalize on VAD stop flushes', async () => {
    const { h, stt } = await setUp({ finalizeTranscripts: ['in Tokyo?'] });
    await waitFor(undefined, () => stt.isOpen);
    const session = fake.listens[0];
    fake.sendSpeechStarted(session);
    fake.sendResults(session, 'what is');
    fake.sendResults(session, 'what is the weather');
    fake.sendResults(session, 'What is the weather', { isFinal: true });
    fake.sendResults(session, 'in'); // the rest is still interim when the user stops
    await waitFor(undefined, () => h.downstream('transcript.interim').length === 3);
    await h.send(h.frame('user.speaking.stopped', {}));
    await waitFor(undefined, () => h.downstream('transcript.final').length === 2);
    expect(session.controls).toEqual(['Finalize']);
    expect(texts(h.downstream(), 'transcript.interim')).toEqual([
      'what is',
      'what is the weather',
      'in',
    ]);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['What is the weather', 'in Tokyo?']);
    expect(h.downstream('metrics')).toHaveLength(1);
    fake.sendUtteranceEnd(session);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.upstream('error')).toHaveLength(0);
  });

  it('sends KeepAlive through silences without audio', async () => {
    const { h, stt } = await setUp();
    await waitFor(undefined, () => stt.isOpen);
    await h.advance(4000);
    await waitFor(undefined, () => fake.listens[0].controls.length === 1);
    expect(fake.listens[0].controls).toEqual(['KeepAlive']);
    // Audio flowing means no keepalive is needed.
    for (let t = 0; t < 10; t++) {
      await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
      await h.advance(500);
    }
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.listens[0].controls).toEqual(['KeepAlive']);
  });

  it('when the socket dies mid-utterance: keeps what was heard, reports it, reconnects and resends held audio', async () => {
    const { h, stt } = await setUp();
    await waitFor(undefined, () => stt.isOpen);
    const first = fake.listens[0];
    fake.sendResults(first, 'book a table for');
    await waitFor(undefined, () => h.downstream('transcript.interim').length === 1);
    fake.drop(first);
    await waitFor(undefined, () => h.upstream('error').length === 1);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['book a table for']);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(
      /Deepgram closed the stream \(code 1006\)/,
    );

    // Audio during the back-off is held, then sent on the new stream.
    await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await h.advance(500);
    await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => fake.listens.length === 2 && stt.isOpen);
    await waitFor(undefined, () => fake.listens[1].audioBytes === 2 * 640);
    fake.sendResults(fake.listens[1], 'two people', { isFinal: true });
    await waitFor(undefined, () => h.downstream('transcript.final').length === 2);
  });

  it('reports a refused connection (bad key) without the key, and tries again later', async () => {
    const { logger, lines } = captureLogger();
    const { h } = await setUp({}, {}, logger, `${TEST_KEY}-wrong`);
    await waitFor(undefined, () => h.upstream('error').length === 1);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toMatch(/^Deepgram connection failed/);
    expect(fake.refused).toEqual(['/v1/listen']);
    await h.advance(600);
    await h.send(h.frame('audio.in', { audio: audio(), sampleRate: 16000 }));
    await waitFor(undefined, () => fake.refused.length === 2);
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });

  it('closes the stream politely on end', async () => {
    const { h, stt } = await setUp();
    await waitFor(undefined, () => stt.isOpen);
    await h.send(h.frame('end', {}));
    await waitFor(undefined, () => fake.listens[0].closed);
    expect(fake.listens[0].controls).toEqual(['CloseStream']);
  });
});
