import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioChunker } from '../../../engine/audio/AudioChunker.ts';
import { readWav } from '../../../engine/audio/wav.ts';
import { SharedSileroVad } from '../../../engine/providers/silero/SharedSileroVad.ts';
import {
  SILERO_WINDOW_SAMPLES,
  SileroVadModel,
} from '../../../engine/providers/silero/SileroVadModel.ts';

// espeak-ng "What is the weather in Tokyo today?" at 16 kHz with 1 s of silence either side.
const speech = readWav(
  readFileSync(new URL('../../fixtures/audio/speech-16k.wav', import.meta.url)),
);
const windows = new AudioChunker(SILERO_WINDOW_SAMPLES).push(speech.samples);

describe('SharedSileroVad', () => {
  let shared: SharedSileroVad;
  let reference: number[];
  beforeAll(async () => {
    const model = await SileroVadModel.create();
    reference = [];
    for (const w of windows) reference.push(await model.probability(w));
    await model.release();
    shared = new SharedSileroVad();
    await shared.ready();
  });
  afterAll(async () => {
    await shared.close();
  });

  it('gives every stream the probabilities the single-stream model gives, while batching streams together', async () => {
    // Three streams, offset so that each batch mixes different points of the recording and histories.
    const offsets = [0, 7, 19];
    const streams = offsets.map(() => shared.openStream());
    const results = offsets.map(() => [] as number[]);
    for (let i = 0; i < windows.length; i++) {
      await Promise.all(
        streams.map(async (s, k) =>
          results[k].push(await s.probability(windows[(i + offsets[k]) % windows.length])),
        ),
      );
    }
    for (let k = 0; k < streams.length; k++) {
      // Only stream 0 sees the recording from its start, as the reference did.
      if (offsets[k] === 0) results[k].forEach((p, i) => expect(p).toBeCloseTo(reference[i], 5));
    }
    expect(Math.max(...results[0])).toBeGreaterThan(0.9);
  });

  it("reset() forgets a stream's history", async () => {
    const stream = shared.openStream();
    for (const w of windows.slice(30, 50)) await stream.probability(w);
    stream.reset();
    const fresh = shared.openStream();
    expect(await stream.probability(windows[0])).toBeCloseTo(
      await fresh.probability(windows[0]),
      6,
    );
  });

  it('refuses overlapping windows of one stream', async () => {
    const stream = shared.openStream();
    const first = stream.probability(windows[0]);
    await expect(stream.probability(windows[1])).rejects.toThrow(/still running/);
    await first;
  });

  it('restarts a worker that died, and fails only the windows it held', async () => {
    const stream = shared.openStream();
    await stream.probability(windows[0]);
    await (shared as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(await stream.probability(windows[1])).toBeGreaterThanOrEqual(0);
  });
});
