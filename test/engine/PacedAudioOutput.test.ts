import { describe, expect, it } from 'vitest';
import { PacedAudioOutput } from '../../engine/processors/transport/PacedAudioOutput.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const RATE = 24000;
const audio = (ms: number) => new Int16Array((RATE * ms) / 1000).fill(1000);
const sentMs = (h: ProcessorHarness) =>
  h.downstream('audio.out').reduce((sum, f) => sum + (f.type === 'audio.out' ? (f.audio.length / f.sampleRate) * 1000 : 0), 0);

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
