import { describe, expect, it } from 'vitest';
import { PacedAudioOutput } from '../../engine/processors/transport/PacedAudioOutput.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const RATE = 24000;
const audio = (ms: number) => new Int16Array((RATE * ms) / 1000).fill(1000);
const sentMs = (h: ProcessorHarness) =>
  h
    .downstream('audio.out')
    .reduce(
      (sum, f) => sum + (f.type === 'audio.out' ? (f.audio.length / f.sampleRate) * 1000 : 0),
      0,
    );

describe('PacedAudioOutput', () => {
  it('releases audio in real time, never more than maxAheadMs ahead', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(1000), sampleRate: RATE }));
    expect(sentMs(h)).toBe(60); // 40 ms ahead + the chunk that crossed the line
    for (const t of [100, 300, 700]) {
      await h.advance(t - h.clock.now());
      expect(sentMs(h)).toBeGreaterThanOrEqual(t);
      expect(sentMs(h) - t).toBeLessThanOrEqual(60);
    }
    await h.advance(400);
    expect(sentMs(h)).toBe(1000);
  });

  it('announces bot speech start and stop in both directions', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out'));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(200), sampleRate: RATE }));
    expect(h.downstreamTypes()[0]).toBe('bot.speaking.started');
    expect(h.upstream('bot.speaking.started')).toHaveLength(1);
    await h.advance(199);
    expect(h.upstream('bot.speaking.stopped')).toHaveLength(0);
    await h.advance(1);
    expect(h.upstream('bot.speaking.stopped')).toHaveLength(1);
  });

  it('stops handing out audio the moment an interrupt arrives', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(2000), sampleRate: RATE }));
    await h.advance(500);
    const before = sentMs(h);
    await h.send(h.frame('interrupt', { reason: 'barge-in' }));
    await h.advance(2000);
    expect(sentMs(h)).toBe(before);
    expect(h.downstreamTypes().slice(-2)).toEqual(['bot.speaking.stopped', 'interrupt']);
  });

  it('keeps text in order with the audio before it', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 0, chunkMs: 20 }));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(100), sampleRate: RATE }));
    await h.send(h.frame('tts.text', { text: 'second sentence' }));
    expect(h.downstream('tts.text')).toHaveLength(0);
    await h.advance(100);
    expect(h.downstream('tts.text')).toHaveLength(1);
  });

  it('end waits until the queued audio has played', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out'));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(300), sampleRate: RATE }));
    await h.send(h.frame('end', {}));
    expect(h.downstream('end')).toHaveLength(0);
    await h.advance(300);
    expect(h.downstream('end')).toHaveLength(1);
    expect(sentMs(h)).toBe(300);
  });

  it('keeps one timer however many frames queue up behind the audio (the microphone passes through while the bot speaks)', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out'));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(1000), sampleRate: RATE }));
    for (let i = 0; i < 25; i++) {
      await h.send(h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 }));
      await h.advance(20);
      expect(h.clock.pendingTimers).toBe(1);
    }
    await h.advance(1000);
    expect(sentMs(h)).toBe(1000);
    expect(h.downstream('audio.in')).toHaveLength(25); // in order, after the audio before them
  });
});

describe('PacedAudioOutput pause and resume (false interruptions)', () => {
  /** Every sample carries its own index (mod 2^15), so lost or repeated audio shows. */
  const numbered = (ms: number) =>
    Int16Array.from({ length: (RATE * ms) / 1000 }, (_, i) => i % 32768);
  const played = (h: ProcessorHarness) => {
    const parts = h
      .downstream('audio.out')
      .map((f) => (f.type === 'audio.out' ? f.audio : new Int16Array()));
    const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.length;
    }
    return all;
  };
  const pause = (h: ProcessorHarness) =>
    h.send(h.frame('output.pause', { reason: 'user started speaking' }));
  const resume = (h: ProcessorHarness) => h.send(h.frame('output.resume', { reason: 'a cough' }));

  it('holds the audio while paused, without announcing the end of bot speech', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(2000), sampleRate: RATE }));
    await h.advance(300);
    await pause(h);
    const atPause = sentMs(h);
    await h.advance(3000);
    expect(sentMs(h)).toBe(atPause);
    expect(h.downstream('bot.speaking.stopped')).toHaveLength(0);
    expect(h.upstream('bot.speaking.stopped')).toHaveLength(0);
    expect(h.downstream('output.pause')).toHaveLength(1); // passed on: the output really went quiet
    expect(h.clock.pendingTimers).toBe(0); // a paused output costs no timers
  });

  it('resumes from the first unsent sample, paced from the moment of the resume', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    const original = numbered(1000);
    await h.send(h.frame('audio.out', { audio: original, sampleRate: RATE }));
    await h.advance(300);
    await pause(h);
    const atPause = sentMs(h);
    await h.advance(2000);
    await resume(h);
    expect(h.downstreamTypes().filter((t) => t.startsWith('output.'))).toEqual([
      'output.pause',
      'output.resume',
    ]);
    expect(sentMs(h) - atPause).toBe(60); // maxAheadMs + the chunk that crossed the line, as at a start
    await h.advance(100);
    expect(sentMs(h) - atPause).toBeLessThanOrEqual(160);
    await h.advance(1000);
    expect(played(h)).toEqual(original); // nothing lost, nothing repeated
    expect(h.upstream('bot.speaking.started')).toHaveLength(1); // one stretch of bot speech, paused once
    expect(h.upstream('bot.speaking.stopped')).toHaveLength(1);
  });

  it('end waits for a paused output to resume and drain', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out'));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(500), sampleRate: RATE }));
    await h.advance(100);
    await pause(h);
    await h.send(h.frame('end', {}));
    await h.advance(2000);
    expect(h.downstream('end')).toHaveLength(0);
    await resume(h);
    await h.advance(500);
    expect(h.downstream('end')).toHaveLength(1);
    expect(sentMs(h)).toBe(500);
  });

  it('ignores a pause with nothing playing, and a resume with nothing paused', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    await pause(h);
    await h.send(h.frame('audio.out', { audio: audio(200), sampleRate: RATE }));
    expect(sentMs(h)).toBe(60); // not held: the pause found nothing to pause
    await resume(h);
    await h.advance(200);
    expect(sentMs(h)).toBe(200);
    expect(h.downstream('output.pause')).toHaveLength(0);
    expect(h.downstream('output.resume')).toHaveLength(0);
  });

  it('an interrupt while paused drops everything held, and a later resume plays nothing', async () => {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    await h.send(h.frame('audio.out', { audio: audio(2000), sampleRate: RATE }));
    await h.advance(300);
    await pause(h);
    const atPause = sentMs(h);
    await h.advance(200);
    await h.send(h.frame('interrupt', { reason: 'barge-in' }));
    expect(h.downstreamTypes().slice(-2)).toEqual(['bot.speaking.stopped', 'interrupt']);
    await resume(h);
    await h.advance(3000);
    expect(sentMs(h)).toBe(atPause);
    expect(h.downstream('output.resume')).toHaveLength(0);
  });

  describe('what was heard (bot.spoken) across a pause', () => {
    const tenWords = 'one two three four five six seven eight nine ten';
    async function pausedSentence() {
      const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
      await h.start();
      await h.send(h.frame('tts.text', { text: tenWords }));
      await h.send(h.frame('audio.out', { audio: audio(1000), sampleRate: RATE }));
      await h.advance(300);
      await pause(h);
      return h;
    }
    const spoken = (h: ProcessorHarness) =>
      h.upstream('bot.spoken').map((f) => (f.type === 'bot.spoken' ? [f.text, f.complete] : []));

    it('does not count the silence of a pause as played', async () => {
      const h = await pausedSentence();
      await h.advance(2000); // the client played out its ≤ 60 ms and has been silent since
      await h.send(h.frame('interrupt', { reason: 'barge-in' }));
      expect(spoken(h)).toEqual([['one two three', false]]); // 340–360 ms of 1000 played
    });

    it('counts from where it resumed', async () => {
      const h = await pausedSentence();
      await h.advance(2000);
      await resume(h);
      await h.advance(200);
      await h.send(h.frame('interrupt', { reason: 'barge-in' }));
      expect(spoken(h)).toEqual([['one two three four five', false]]);
    });

    it('reports the sentence complete once it has played to the end after a resume', async () => {
      const h = await pausedSentence();
      await h.advance(2000);
      await resume(h);
      await h.advance(1000);
      expect(spoken(h)).toEqual([[tenWords, true]]);
    });
  });
});
