/**
 * A program's own frame types, as engine/core/frames.ts documents them:
 * declaration merging into `FramePayloads` through `#engine`, plus
 * `registerFrameType()`. The frame then behaves by its spec like a built-in one.
 */
import { describe, expect, it } from 'vitest';
import { type Frame, FrameProcessor, ProcessorHarness, registerFrameType } from '#engine';

declare module '#engine' {
  interface FramePayloads {
    'test.plugin.progress': { percent: number };
  }
}

registerFrameType('test.plugin.progress', {
  class: 'data',
  dropOnInterrupt: true,
  description: 'A tool’s progress, part of the bot’s response',
});

class Progress extends FrameProcessor {
  protected override process(frame: Frame): void {
    this.push(frame);
    if (frame.type === 'llm.text') this.push(this.frame('test.plugin.progress', { percent: 50 }));
  }
}

describe('a frame type added by a program', () => {
  it('is typed like a built-in one and follows its spec', async () => {
    const h = new ProcessorHarness(new Progress('progress'));
    await h.start();
    await h.send(h.frame('llm.text', { text: 'half way' }));
    const progress = (f: Frame) => (f.type === 'test.plugin.progress' ? [f.percent] : []);
    const percents = h.downstream().flatMap(progress);
    expect(percents).toEqual([50]);
  });

  it('cannot be registered again with another class', () => {
    const spec = { class: 'system', dropOnInterrupt: true, description: '' } as const;
    expect(() => registerFrameType('test.plugin.progress', spec)).toThrow(/already registered/);
  });
});
