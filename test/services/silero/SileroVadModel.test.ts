import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioChunker } from '../../../engine/audio/AudioChunker.ts';
import { dbfs } from '../../../engine/audio/level.ts';
import { readWav } from '../../../engine/audio/wav.ts';
import {
  SILERO_WINDOW_SAMPLES,
  SileroVadModel,
} from '../../../engine/providers/silero/SileroVadModel.ts';

// espeak-ng "What is the weather in Tokyo today?" at 16 kHz with 1 s of silence either side.
const speech = readWav(
  readFileSync(new URL('../../fixtures/audio/speech-16k.wav', import.meta.url)),
);

describe('SileroVadModel', () => {
  let model: SileroVadModel;
  beforeAll(async () => {
    model = await SileroVadModel.create();
  });
  afterAll(async () => {
    await model.release();
  });

  it('is high in speech and low in silence', async () => {
    expect(speech.sampleRate).toBe(16000);
    model.reset();
    const windows = new AudioChunker(SILERO_WINDOW_SAMPLES).push(speech.samples);
    const probabilities: number[] = [];
    const started = performance.now();
    for (const w of windows) probabilities.push(await model.probability(w));
    const msPerWindow = (performance.now() - started) / windows.length;
    console.info(
      `silero v5: ${windows.length} windows, ${msPerWindow.toFixed(3)} ms/window (32 ms of audio each)`,
    );

    const leadingSilence = probabilities.slice(
      0,
      Math.floor((0.9 * 16000) / SILERO_WINDOW_SAMPLES),
    );
    expect(Math.max(...leadingSilence)).toBeLessThan(0.1);
    const voiced = windows
      .map((w, i) => ({ level: dbfs(w), p: probabilities[i] }))
      .filter((x) => x.level > -35);
    expect(voiced.length).toBeGreaterThan(20);
    const mean = voiced.reduce((s, x) => s + x.p, 0) / voiced.length;
    expect(mean).toBeGreaterThan(0.8);
    expect(voiced.filter((x) => x.p > 0.5).length / voiced.length).toBeGreaterThan(0.85);
    const trailing = probabilities.slice(-Math.floor((0.5 * 16000) / SILERO_WINDOW_SAMPLES));
    expect(Math.max(...trailing)).toBeLessThan(0.1);
    expect(msPerWindow).toBeLessThan(10);
  });

  it('accepts float windows and gives the same answer as int16 after reset()', async () => {
    const window = speech.samples.slice(24000, 24000 + SILERO_WINDOW_SAMPLES);
    model.reset();
    const fromInt = await model.probability(window);
    model.reset();
    const fromFloat = await model.probability(Float32Array.from(window, (s) => s / 32768));
    expect(fromFloat).toBeCloseTo(fromInt, 5);
  });

  it('carries state between windows (the same window scores differently with history)', async () => {
    const windows = new AudioChunker(SILERO_WINDOW_SAMPLES).push(
      speech.samples.subarray(16000, 32000),
    );
    model.reset();
    const cold = await model.probability(windows[20]);
    model.reset();
    let warm = 0;
    for (const w of windows.slice(0, 21)) warm = await model.probability(w);
    expect(warm).not.toBeCloseTo(cold, 4);
  });

  it('rejects wrong window sizes and overlapping calls', async () => {
    await expect(model.probability(new Int16Array(480))).rejects.toThrow(/expected 512/);
    const first = model.probability(new Int16Array(512));
    await expect(model.probability(new Int16Array(512))).rejects.toThrow(/still running/);
    await first;
  });
});
