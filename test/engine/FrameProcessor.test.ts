import { describe, expect, it } from 'vitest';
import { type Direction, FrameProcessor } from '../../engine/core/FrameProcessor.ts';
import type { Frame } from '../../engine/core/frames.ts';
import {
  ProcessorHarness,
  runProcessor,
  testFrame,
} from '../../engine/testing/ProcessorHarness.ts';
import { PassThrough, SlowEcho, Upper } from '../helpers/testProcessors.ts';

const text = (t: string) => testFrame('llm.text', { text: t });
const texts = (frames: Frame[]) => frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : []));

describe('FrameProcessor', () => {
  it('hands sync output on within receive(): no promise, no microtask per frame', () => {
    const h = new ProcessorHarness(new Upper('u'));
    h.processor.receive(text('hi'), 'downstream');
    // Nothing awaited: a sync processor must already have pushed.
    expect(texts(h.downstream())).toEqual(['HI']);
  });

  it('keeps order under load with an async processor', async () => {
    const h = new ProcessorHarness(new SlowEcho('slow', 5));
    await h.start();
    for (let i = 0; i < 200; i++) h.processor.receive(text(String(i)), 'downstream');
    expect(h.processor.stats.queueDepth).toBe(200);
    await h.advance(5 * 200);
    expect(texts(h.downstream())).toEqual(Array.from({ length: 200 }, (_, i) => `echo:${i}`));
  });

  it('lets system frames overtake queued data', async () => {
    const h = new ProcessorHarness(new SlowEcho('slow', 100));
    await h.start();
    await h.send(text('a'));
    await h.send(text('b'));
    await h.send(h.frame('user.speaking.started', {}));
    expect(h.downstreamTypes()).toEqual(['user.speaking.started']);
    await h.advance(200);
    expect(h.downstreamTypes()).toEqual(['user.speaking.started', 'llm.text', 'llm.text']);
  });

  it('interrupt aborts in-flight work and drops queued frames of the response', async () => {
    const slow = new SlowEcho('slow', 100);
    const h = new ProcessorHarness(slow);
    await h.start();
    await h.send(text('old-1'));
    await h.send(text('old-2'));
    await h.send(testFrame('transcript.final', { text: 'user words survive' }));
    await h.advance(50);
    const signalBefore = slow.signal;
    await h.send(h.frame('interrupt', { reason: 'barge-in' }));
    expect(signalBefore.aborted).toBe(true);
    expect(slow.signal.aborted).toBe(false);
    expect(slow.aborted).toBe(1);
    await h.send(text('new'));
    await h.advance(500);
    const after = h.downstream().slice(h.downstream().findIndex((f) => f.type === 'interrupt'));
    expect(after.map((f) => f.type)).toEqual(['interrupt', 'transcript.final', 'llm.text']);
    expect(texts(h.downstream())).toEqual(['echo:new']);
    expect(h.upstream('error')).toEqual([]);
  });

  it('silences what a stale in-flight call still pushes after an interrupt', async () => {
    class Stubborn extends FrameProcessor {
      release!: () => void;
      protected override async process(frame: Frame, direction: Direction): Promise<void> {
        if (frame.type !== 'llm.text') return this.push(frame, direction);
        await new Promise<void>((resolve) => (this.release = resolve)); // ignores its signal
        this.push(this.frame('llm.text', { text: 'stale' }));
        this.push(
          this.frame('error', {
            message: 'upstream info still allowed',
            source: this.id,
            fatal: false,
          }),
          'upstream',
        );
      }
    }
    const p = new Stubborn('s');
    const h = new ProcessorHarness(p);
    await h.start();
    await h.send(text('x'));
    await h.send(h.frame('interrupt', { reason: 'test' }));
    p.release();
    await h.idle();
    expect(texts(h.downstream())).toEqual([]);
    expect(h.upstream('error')).toHaveLength(1);
    await h.send(text('y'));
    p.release();
    await h.idle();
    expect(texts(h.downstream())).toEqual(['stale']);
  });

  it('turns sync throws and async rejections into error frames upstream and keeps going', async () => {
    class Flaky extends FrameProcessor {
      protected override process(frame: Frame, direction: Direction): void | Promise<void> {
        if (frame.type === 'llm.text' && frame.text === 'throw') throw new Error('sync boom');
        if (frame.type === 'llm.text' && frame.text === 'reject')
          return Promise.reject(new Error('async boom'));
        this.push(frame, direction);
      }
    }
    const { downstream, upstream } = await runProcessor(new Flaky('flaky'), [
      text('throw'),
      text('reject'),
      text('fine'),
    ]);
    expect(upstream.map((f) => (f.type === 'error' ? `${f.source}:${f.message}` : f.type))).toEqual(
      ['flaky:sync boom', 'flaky:async boom'],
    );
    expect(texts(downstream)).toEqual(['fine']);
  });

  it('end drains queued frames before releasing; cancel releases at once', async () => {
    const drained = new SlowEcho('a', 10);
    const h1 = new ProcessorHarness(drained);
    await h1.start();
    await h1.send(text('1'));
    await h1.send(text('2'));
    await h1.send(h1.frame('end', {}));
    expect(drained.stopCount).toBe(0);
    await h1.advance(100);
    expect(h1.downstreamTypes()).toEqual(['llm.text', 'llm.text', 'end']);
    expect(drained.stopCount).toBe(1);

    const cancelled = new SlowEcho('b', 10);
    const h2 = new ProcessorHarness(cancelled);
    await h2.start();
    await h2.send(text('1'));
    await h2.send(text('2'));
    await h2.send(h2.frame('cancel', { reason: 'hang-up' }));
    expect(cancelled.stopCount).toBe(1);
    await h2.advance(100);
    expect(h2.downstreamTypes()).toEqual(['cancel']);
    await h2.send(h2.frame('end', {}));
    expect(cancelled.stopCount).toBe(1);
  });

  it('queues frames until an async onStart resolves', async () => {
    class Loader extends FrameProcessor {
      protected override onStart(): Promise<void> {
        return new Promise((resolve) => this.clock.setTimeout(resolve, 30));
      }
    }
    const h = new ProcessorHarness(new Loader('l'));
    await h.start();
    await h.send(text('early'));
    expect(h.downstreamTypes()).toEqual([]);
    await h.advance(30);
    expect(h.downstreamTypes()).toEqual(['llm.text']);
  });

  it('applies settings addressed to it in order with data and does not forward them', async () => {
    const slow = new SlowEcho('slow', 100);
    const h = new ProcessorHarness(slow);
    await h.start();
    await h.send(text('a'));
    slow.updateSettings({ delayMs: 10 });
    await h.send(text('b'));
    await h.advance(100);
    expect(texts(h.downstream())).toEqual(['echo:a']);
    await h.advance(10);
    expect(texts(h.downstream())).toEqual(['echo:a', 'echo:b']);
    expect(h.downstream('settings.update')).toEqual([]);
  });

  it('passes unknown frames through unchanged in both directions', async () => {
    const metrics = testFrame('metrics', { metrics: [] });
    const { downstream, upstream } = await runProcessor(new PassThrough('p'), [
      testFrame('audio.in', { audio: new Int16Array(4), sampleRate: 16000 }),
      { frame: metrics, direction: 'upstream' },
    ]);
    expect(downstream.map((f) => f.type)).toEqual(['audio.in']);
    expect(upstream).toEqual([metrics]);
  });
});
