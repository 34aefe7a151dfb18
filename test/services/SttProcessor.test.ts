/**
 * The STT family base, through two tiny fake recognisers: a streaming one
 * (answers come later, as from a socket) and a per-request one (each VAD stop
 * sends the utterance and waits for its answer).
 */
import { describe, expect, it } from 'vitest';
import type { Frame, FrameOf } from '../../engine/core/frames.ts';
import type { RequestOptions } from '../../engine/services/retry/RequestOptions.ts';
import { SttProcessor } from '../../engine/services/stt/SttProcessor.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

/** Like a socket recogniser: `finalize()` sends a request; results arrive when the test says. */
class FakeStreamingStt extends SttProcessor {
  readonly heard: number[] = [];
  readonly packetSpeaking: boolean[] = [];
  finalizeRequests = 0;
  connected = true;

  protected override hear(frame: FrameOf<'audio.in'>): void {
    this.heard.push(frame.audio.length);
    this.packetSpeaking.push(this.userSpeaking);
  }

  protected override finalize(): void {
    if (!this.connected) return;
    this.finalizeRequests++;
    this.expectFinal();
  }

  interim(text: string): void {
    this.pushInterim(text);
  }

  final(text: string): void {
    this.pushFinal(text);
  }
}

type Answer = { text?: string; error?: Error };

/** Like an utterance-per-request recogniser: each attempt is answered by `answers`, in order. */
class FakeRequestStt extends SttProcessor {
  readonly answers: Array<(signal: AbortSignal) => Promise<Answer>> = [];
  options: RequestOptions | undefined;
  attempts = 0;
  readonly session = new AbortController();

  protected override hear(): void {}

  protected override finalize(): Promise<void> {
    const askedAt = this.clock.now();
    const attempt = async (signal: AbortSignal) => {
      this.attempts++;
      const next = this.answers.shift() ?? (async (): Promise<Answer> => ({ text: '' }));
      const answer = await next(signal);
      if (answer.error) throw answer.error;
      return answer.text ?? '';
    };
    return this.awaitFinal(this.request(attempt, this.session.signal), askedAt, { audioMs: 300 });
  }

  protected override requestOptions(): RequestOptions | undefined {
    return this.options;
  }
}

const audio = (h: ProcessorHarness) =>
  h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 });
const started = (h: ProcessorHarness) =>
  h.frame('user.speaking.started', { speechStartedAt: h.clock.now() });
const stopped = (h: ProcessorHarness) => h.frame('user.speaking.stopped', {});
const texts = (frames: Frame[], type: 'transcript.final' | 'transcript.interim') =>
  frames.flatMap((f) => (f.type === type ? [f.text] : []));
const ttfbs = (h: ProcessorHarness) =>
  h.downstream('metrics').flatMap((f) => (f.type === 'metrics' ? f.metrics : []));

async function harness<P extends SttProcessor>(stt: P): Promise<ProcessorHarness> {
  const h = new ProcessorHarness(stt);
  await h.start();
  return h;
}

describe('SttProcessor with a streaming recogniser', () => {
  it('passes every frame on and tells the recogniser whether the user is speaking', async () => {
    const stt = new FakeStreamingStt('stt', {});
    const h = await harness(stt);
    await h.send(audio(h));
    await h.send(started(h));
    await h.send(audio(h));
    await h.send(stopped(h));
    await h.send(audio(h));
    await h.send(h.frame('llm.text', { text: 'hi' }), 'upstream');
    expect(h.downstreamTypes()).toEqual([
      'audio.in',
      'user.speaking.started',
      'audio.in',
      'user.speaking.stopped',
      'audio.in',
    ]);
    expect(h.upstream('llm.text')).toHaveLength(1);
    expect(stt.heard).toEqual([320, 320, 320]);
    expect(stt.packetSpeaking).toEqual([false, true, false]);
  });

  it('finalises on the VAD stop; the time to the answer goes first, as ttfb', async () => {
    const stt = new FakeStreamingStt('stt', {});
    const h = await harness(stt);
    await h.send(started(h));
    stt.interim('what is');
    stt.interim('');
    await h.send(stopped(h));
    expect(stt.finalizeRequests).toBe(1);
    await h.advance(60);
    stt.final(''); // e.g. Deepgram's is_final for a stretch of silence
    await h.advance(60);
    stt.final('  what is the time? ');
    stt.final('and more');
    expect(h.downstreamTypes()).toEqual([
      'user.speaking.started',
      'transcript.interim',
      'user.speaking.stopped',
      'metrics',
      'transcript.final',
      'transcript.final',
    ]);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['what is the time?', 'and more']);
    // The empty final answered nothing; only the first words after the stop are timed.
    expect(ttfbs(h)).toEqual([{ name: 'ttfb', source: 'stt', value: 120, detail: undefined }]);
  });

  it('times nothing when the recogniser could not be asked', async () => {
    const stt = new FakeStreamingStt('stt', {});
    stt.connected = false;
    const h = await harness(stt);
    await h.send(started(h));
    await h.send(stopped(h));
    await h.advance(50);
    stt.final('late words');
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['late words']);
    expect(h.downstream('metrics')).toHaveLength(0);
  });

  it('refuses live settings when the subclass declares no schema', async () => {
    const stt = new FakeStreamingStt('stt', {});
    const h = await harness(stt);
    stt.updateSettings({ model: 'x' });
    await h.settle();
    const [error] = h.upstream('error');
    expect(error.type === 'error' && error.message).toMatch(/'model' cannot change while it runs/);
  });
});

describe('SttProcessor with a per-request recogniser', () => {
  it('reports the latency of every answer, also when it heard no words', async () => {
    const stt = new FakeRequestStt('stt', {});
    stt.answers.push(
      () => Promise.resolve({ text: ' hello ' }),
      () => Promise.resolve({ text: '   ' }),
    );
    const h = await harness(stt);
    for (let i = 0; i < 2; i++) {
      await h.send(started(h));
      await h.send(stopped(h));
    }
    expect(h.downstreamTypes()).toEqual([
      'user.speaking.started',
      'user.speaking.stopped',
      'metrics',
      'transcript.final',
      'user.speaking.started',
      'user.speaking.stopped',
      'metrics',
    ]);
    expect(ttfbs(h).map((m) => m.detail)).toEqual([{ audioMs: 300 }, { audioMs: 300 }]);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['hello']);
  });

  it('turns a failed answer into an error frame; the next utterance is heard', async () => {
    const stt = new FakeRequestStt('stt', {});
    stt.answers.push(
      () => Promise.resolve({ error: new Error('decoder crashed') }),
      () => Promise.resolve({ text: 'next' }),
    );
    const h = await harness(stt);
    for (let i = 0; i < 2; i++) {
      await h.send(started(h));
      await h.send(stopped(h));
    }
    const errors = h.upstream('error').map((f) => f.type === 'error' && f.message);
    expect(errors).toEqual(['decoder crashed']);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['next']);
  });

  it('retries a request that failed before answering, as requestOptions() say', async () => {
    const stt = new FakeRequestStt('stt', {});
    stt.options = { retry: { maxRetries: 1, baseDelayMs: 100, maxDelayMs: 100 } };
    const serverError = Object.assign(new Error('server error'), { status: 500 });
    stt.answers.push(
      () => Promise.resolve({ error: serverError }),
      () => Promise.resolve({ text: 'second try' }),
    );
    const h = await harness(stt);
    await h.send(started(h));
    await h.send(stopped(h));
    expect(stt.attempts).toBe(1);
    await h.advance(100); // the backoff: 50–100 ms with jitter
    expect(stt.attempts).toBe(2);
    expect(texts(h.downstream(), 'transcript.final')).toEqual(['second try']);
    expect(h.upstream('error')).toHaveLength(0);
    // The latency counts from the VAD stop, the wait for the retry included.
    const [ttfb] = ttfbs(h);
    expect(ttfb.value).toBeGreaterThanOrEqual(50);
    expect(ttfb.value).toBeLessThanOrEqual(100);
  });

  it('abandons an attempt with no answer by the deadline, naming the timeout', async () => {
    const stt = new FakeRequestStt('stt', {});
    stt.options = { firstOutputTimeoutMs: 300 };
    const hang = (signal: AbortSignal) =>
      new Promise<Answer>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    stt.answers.push(hang);
    const h = await harness(stt);
    await h.send(started(h));
    await h.send(stopped(h));
    await h.advance(300);
    const errors = h.upstream('error').map((f) => f.type === 'error' && f.message);
    expect(errors).toEqual(['no response within 300 ms']);
    expect(h.downstream('metrics')).toHaveLength(0);
  });

  it('reports nothing for a request abandoned because the session stopped', async () => {
    const stt = new FakeRequestStt('stt', {});
    let release: (answer: Answer) => void = () => {};
    stt.answers.push(() => new Promise((resolve) => (release = resolve)));
    const h = await harness(stt);
    await h.send(started(h));
    await h.send(stopped(h));
    stt.session.abort();
    release({ text: 'too late' });
    await h.settle();
    expect(h.downstream('metrics')).toHaveLength(0);
    expect(h.downstream('transcript.final')).toHaveLength(0);
  });
});
