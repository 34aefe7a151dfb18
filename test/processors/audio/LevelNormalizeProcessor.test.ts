import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import type { Frame, FrameOf } from '../../../engine/core/frames.ts';
import { LevelNormalizeProcessor } from '../../../engine/processors/audio/LevelNormalizeProcessor.ts';
import { ProcessorHarness } from '../../../engine/testing/ProcessorHarness.ts';
import { loadSpeechFixture } from '../../fixtures/speech/speechFixtures.ts';
import { audioInFrames, joinAudio, sendClip } from '../../helpers/audioInFrames.ts';
import { activeDbfs, withGain } from './testSignals.ts';

const SAMPLE_RATE = 16000;

async function started(settings: ConstructorParameters<typeof LevelNormalizeProcessor>[1] = {}) {
  const h = new ProcessorHarness(new LevelNormalizeProcessor('level', settings));
  await h.start();
  return h;
}

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f: Frame) => (f.type === 'error' ? f.message : ''));

const quietSpeech = () => withGain(loadSpeechFixture('weather-london.wav').samples, -20);

describe('LevelNormalizeProcessor', () => {
  it('lifts a quiet microphone to the target, keeping each frame’s length, rate and timestamp', async () => {
    const h = await started();
    const sent = await sendClip(h, quietSpeech());
    const out = h.downstream('audio.in') as FrameOf<'audio.in'>[];
    expect(out.map((f) => [f.audio.length, f.sampleRate, f.at])).toEqual(
      sent.map((f) => [f.audio.length, f.sampleRate, f.at]),
    );
    expect(Math.abs(activeDbfs(joinAudio(audioInFrames(h))) + 20)).toBeLessThan(3);
    expect((h.processor as LevelNormalizeProcessor).gainDb).toBeGreaterThan(10);
  });

  it('passes frames that are not microphone audio unchanged', async () => {
    const h = await started();
    const text = h.frame('text.input', { text: 'hi' });
    const botAudio = h.frame('audio.in', { audio: new Int16Array(320), sampleRate: SAMPLE_RATE });
    await h.send(text);
    await h.send(botAudio, 'upstream');
    expect(h.downstream('text.input')).toEqual([text]);
    expect(h.upstream('audio.in')).toEqual([botAudio]);
  });

  it('takes a new target live', async () => {
    const h = await started();
    await sendClip(h, quietSpeech());
    h.processor.updateSettings({ targetDbfs: -30 });
    const before = h.downstream('audio.in').length;
    await sendClip(h, quietSpeech());
    expect(Math.abs(activeDbfs(joinAudio(audioInFrames(h, before))) + 30)).toBeLessThan(2);
    expect(errors(h)).toEqual([]);
  });

  it('switched off live, passes the very frames it gets', async () => {
    const h = await started();
    h.processor.updateSettings({ enabled: false });
    const [frame] = await sendClip(h, quietSpeech().subarray(0, 320));
    expect(h.downstream('audio.in')).toEqual([frame]);
    expect(h.downstream('audio.in')[0]).toBe(frame);
  });

  it('refuses a bad live setting, naming the node and key', async () => {
    const h = await started();
    h.processor.updateSettings({ maxGainDb: 90 });
    await h.idle();
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'level': 'maxGainDb' is invalid/),
    ]);
  });

  it('is registered as audio.normalize, adding no delay', () => {
    const info = createDefaultRegistry().info('audio.normalize');
    expect(info?.latency).toEqual([]);
    expect(info?.liveKeys).toContain('targetDbfs');
    expect(info?.produces).toEqual(['audio.in']);
  });
});
