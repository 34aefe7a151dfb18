import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import type { Frame } from '../../../engine/core/frames.ts';
import { RnnoiseProcessor } from '../../../engine/providers/rnnoise/RnnoiseProcessor.ts';
import { RnnoiseState } from '../../../engine/providers/rnnoise/RnnoiseState.ts';
import { ProcessorHarness } from '../../../engine/testing/ProcessorHarness.ts';
import { loadSpeechFixture } from '../../fixtures/speech/speechFixtures.ts';
import { audioInFrames, joinAudio, sendClip } from '../../helpers/audioInFrames.ts';
import { mixAtSnr, snrAgainst, whiteNoise } from '../../processors/audio/testSignals.ts';

const SAMPLE_RATE = 16000;

afterEach(() => {
  vi.restoreAllMocks();
});

async function started(settings: ConstructorParameters<typeof RnnoiseProcessor>[1] = {}) {
  const h = new ProcessorHarness(new RnnoiseProcessor('denoise', settings));
  await h.start();
  return h;
}

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f: Frame) => (f.type === 'error' ? f.message : ''));

describe('RnnoiseProcessor', () => {
  it('keeps every frame’s length, rate and timestamp, and passes other frames unchanged', async () => {
    const h = await started();
    const clip = loadSpeechFixture('stop.wav').samples;
    const sent = await sendClip(h, clip);
    const text = h.frame('text.input', { text: 'hello' });
    await h.send(text);
    const out = audioInFrames(h);
    expect(out.map((f) => f.audio.length)).toEqual(sent.map((f) => f.audio.length));
    expect(out.map((f) => f.at)).toEqual(sent.map((f) => f.at));
    expect(out.every((f) => f.sampleRate === SAMPLE_RATE)).toBe(true);
    expect(h.downstream('text.input')).toEqual([text]);
    expect((h.processor as RnnoiseProcessor).latencyMs).toBe(22.5);
  });

  it('cleans noisy speech on its way through', async () => {
    const h = await started();
    const clean = loadSpeechFixture('weather-london.wav').samples;
    const noisy = mixAtSnr(clean, whiteNoise(clean.length, 2), 10);
    // Trailing silence flushes the delayed tail out.
    const padded = new Int16Array(noisy.length + 480);
    padded.set(noisy);
    await sendClip(h, padded);
    const output = joinAudio(audioInFrames(h));
    expect(snrAgainst(clean, output, 360) - snrAgainst(clean, noisy)).toBeGreaterThan(3);
  });

  it.each(['end', 'cancel'] as const)('destroys its RNNoise state on %s', async (type) => {
    const destroy = vi.spyOn(RnnoiseState.prototype, 'destroy');
    const h = await started();
    await sendClip(h, new Int16Array(640));
    expect(destroy).not.toHaveBeenCalled();
    await h.send(type === 'end' ? h.frame('end', {}) : h.frame('cancel', { reason: 'test' }));
    await h.idle();
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('switched off live, passes the very frames it gets; back on, denoises again', async () => {
    const h = await started();
    await sendClip(h, new Int16Array(640));
    h.processor.updateSettings({ enabled: false });
    const [passed] = await sendClip(h, new Int16Array(320).fill(500));
    expect(audioInFrames(h).at(-1)).toBe(passed);
    expect((h.processor as RnnoiseProcessor).latencyMs).toBe(0);
    h.processor.updateSettings({ enabled: true });
    await sendClip(h, new Int16Array(320).fill(500));
    // Restarted: the delay is back, and the output opens with the silence it is primed with
    // (at least the 10 ms a 48 kHz frame takes to fill), not with the input.
    expect((h.processor as RnnoiseProcessor).latencyMs).toBe(22.5);
    expect(
      audioInFrames(h)
        .at(-1)!
        .audio.subarray(0, 160)
        .every((s) => s === 0),
    ).toBe(true);
    expect(errors(h)).toEqual([]);
  });

  it('refuses a bad live setting, naming the node and key', async () => {
    const h = await started();
    h.processor.updateSettings({ attenuationLimitDb: -5 });
    await h.idle();
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'denoise': 'attenuationLimitDb' is invalid/),
    ]);
  });

  it('is registered as audio.denoise with live keys and its delay declared', () => {
    const info = createDefaultRegistry().info('audio.denoise');
    expect(info?.liveKeys).toEqual(['enabled', 'attenuationLimitDb']);
    expect(info?.latency?.[0]).toMatchObject({ stage: 'vad', typicalMs: 22.5 });
    expect(info?.consumes).toEqual(['audio.in']);
  });
});
