import { afterEach, describe, expect, it } from 'vitest';
import { readWav } from '../../engine/audio/wav.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import { OpenAIStt, type OpenAISttSettings } from '../../engine/providers/openai/OpenAIStt.ts';
import { SpeechSegmentRecorder } from '../../engine/services/stt/SpeechSegmentRecorder.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeOpenAI, type TranscriptionScript } from '../fakes/FakeOpenAI.ts';
import { captureLogger, drain, framesAsText, TEST_KEY } from './providerTestKit.ts';

const SETTINGS: OpenAISttSettings = {
  model: 'gpt-4o-mini-transcribe',
  language: 'en',
  prompt: 'Parley, Tokyo',
  preRollMs: 300,
  minSegmentMs: 200,
  maxSegmentMs: 30_000,
  maxRetries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 1000,
  requestTimeoutMs: 5000,
};

/** 20 ms of 16 kHz audio whose every sample is `value`, so a test can tell which chunks were sent. */
const chunk = (value: number) => new Int16Array(320).fill(value);

describe('OpenAIStt against the fake /audio/transcriptions, through the openai SDK', () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake?.stop());

  async function setUp(
    transcriptions: TranscriptionScript[],
    options: { settings?: Partial<OpenAISttSettings>; logger?: Logger; apiKey?: string } = {},
  ) {
    fake = new FakeOpenAI({ apiKey: TEST_KEY, transcriptions });
    const baseUrl = await fake.start();
    const h = new ProcessorHarness(
      new OpenAIStt(
        'stt',
        { ...SETTINGS, ...options.settings },
        { apiKey: options.apiKey ?? TEST_KEY, baseUrl },
      ),
      { logger: options.logger },
    );
    await h.start();
    let n = 0;
    /** Feeds `count` 20 ms chunks in real-time steps of virtual time; chunk k carries the value k (1-based, over the test). */
    const feed = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await h.advance(20);
        await h.send(h.frame('audio.in', { audio: chunk(++n), sampleRate: 16000 }));
      }
    };
    return { h, feed };
  }

  it('sends one utterance as WAV, from speechStartedAt (pre-roll) to the VAD stop, and emits transcript.final', async () => {
    const { h, feed } = await setUp([{ text: ' What is the weather in Tokyo? ' }]);
    await feed(20); // t = 0…400: chunk k covers ((k-1)·20, k·20]
    // The VAD decided at 400 ms that speech began at 310 ms.
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 310 }));
    await feed(15); // up to 700 ms
    await h.send(h.frame('user.speaking.stopped', { speechEndedAt: 600 }));
    await drain(h);

    expect(
      h.downstream('transcript.final').map((f) => f.type === 'transcript.final' && f.text),
    ).toEqual(['What is the weather in Tokyo?']);
    expect(h.downstream('audio.in')).toHaveLength(35); // audio passes on
    const metric = h.downstream('metrics')[0];
    expect(metric.type === 'metrics' && metric.metrics[0]).toMatchObject({
      name: 'ttfb',
      source: 'stt',
      detail: { audioMs: 390 },
    });

    const [request] = fake.requestsTo('/v1/audio/transcriptions');
    const form = request.form!;
    expect(form).toMatchObject({
      model: 'gpt-4o-mini-transcribe',
      language: 'en',
      prompt: 'Parley, Tokyo',
      response_format: 'json',
    });
    const file = form.file as { name: string; type: string; bytes: Uint8Array };
    expect(file).toMatchObject({ name: 'speech.wav', type: 'audio/wav' });
    const wav = readWav(file.bytes);
    expect(wav.sampleRate).toBe(16000);
    // 310 ms falls in the middle of chunk 16 (300…320): its second half, then chunks 17…35.
    const expected = [
      ...new Int16Array(160).fill(16),
      ...Array.from({ length: 19 }, (_, i) => [...chunk(17 + i)]).flat(),
    ];
    expect([...wav.samples]).toEqual(expected);
  });

  it('keeps transcripts in order and does not send blips shorter than minSegmentMs', async () => {
    const { h, feed } = await setUp([{ text: 'first', delayMs: 80 }, { text: 'second' }]);
    await feed(5);
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 80 }));
    await feed(2);
    await h.send(h.frame('user.speaking.stopped', {})); // 60 ms: a click
    await h.send(h.frame('user.speaking.started', {}));
    await feed(15);
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.send(h.frame('user.speaking.started', {}));
    await feed(15);
    await h.send(h.frame('user.speaking.stopped', {}));
    await drain(h);
    expect(fake.requests).toHaveLength(2);
    expect(
      h.downstream('transcript.final').map((f) => f.type === 'transcript.final' && f.text),
    ).toEqual(['first', 'second']);
  });

  it('cuts a monologue into maxSegmentMs pieces', async () => {
    const { h, feed } = await setUp([{ text: 'part one' }, { text: 'part two' }], {
      settings: { maxSegmentMs: 400 },
    });
    await h.send(h.frame('user.speaking.started', {}));
    await feed(30);
    await h.send(h.frame('user.speaking.stopped', {}));
    await drain(h);
    const lengths = fake.requests.map(
      (r) => readWav((r.form!.file as { bytes: Uint8Array }).bytes).samples.length,
    );
    expect(lengths).toEqual([6400, 3200]);
  });

  it('retries a 500; after persistent failure reports an error and the next utterance still works', async () => {
    const { h, feed } = await setUp(
      [
        { status: 500 },
        { text: 'recovered' },
        { status: 503 },
        { status: 503 },
        { text: 'next one' },
      ],
      { settings: { maxRetries: 1 } },
    );
    for (let i = 0; i < 3; i++) {
      await h.send(h.frame('user.speaking.started', {}));
      await feed(15);
      await h.send(h.frame('user.speaking.stopped', {}));
      await drain(h);
    }
    expect(
      h.downstream('transcript.final').map((f) => f.type === 'transcript.final' && f.text),
    ).toEqual(['recovered', 'next one']);
    expect(h.upstream('error')).toHaveLength(1);
  });

  it('abandons a request that never answers', async () => {
    const { h, feed } = await setUp([{ hang: true }], {
      settings: { maxRetries: 0, requestTimeoutMs: 1000 },
    });
    await h.send(h.frame('user.speaking.started', {}));
    await feed(15);
    await h.send(h.frame('user.speaking.stopped', {}));
    await drain(h, 200);
    const error = h.upstream('error')[0];
    expect(error.type === 'error' && error.message).toBe('no response within 1000 ms');
  });

  it('is not cancelled by an interrupt of the bot', async () => {
    const { h, feed } = await setUp([{ text: 'keep me', delayMs: 50 }]);
    await h.send(h.frame('user.speaking.started', {}));
    await feed(15);
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.send(h.frame('interrupt', { reason: 'user started speaking' }));
    await drain(h);
    expect(h.downstream('transcript.final')).toHaveLength(1);
  });

  it('never lets the API key reach logs or frames', async () => {
    const { logger, lines } = captureLogger();
    const { h, feed } = await setUp([], { logger, apiKey: `${TEST_KEY}-wrong` });
    await h.send(h.frame('user.speaking.started', {}));
    await feed(15);
    await h.send(h.frame('user.speaking.stopped', {}));
    await drain(h);
    expect(h.upstream('error')).toHaveLength(1);
    expect(framesAsText(h.emitted.map((e) => e.frame)) + lines.join('\n')).not.toContain(TEST_KEY);
  });
});

describe('SpeechSegmentRecorder', () => {
  it('keeps only the pre-roll while idle and starts a new segment on a rate change', () => {
    const r = new SpeechSegmentRecorder(40, 10_000);
    for (let k = 1; k <= 10; k++) r.push(new Int16Array(160).fill(k), 8000, k * 20);
    r.start(0); // asks for more than the ring holds: gets the last 40 ms
    expect(new Set(r.stop()!.samples)).toEqual(new Set([9, 10]));
    r.start(200);
    r.push(new Int16Array(160).fill(1), 8000, 220);
    const cut = r.push(new Int16Array(320).fill(2), 16000, 240);
    expect(cut).toMatchObject({ sampleRate: 8000, durationMs: 20 });
    expect(r.stop()).toMatchObject({ sampleRate: 16000, durationMs: 20 });
  });
});
