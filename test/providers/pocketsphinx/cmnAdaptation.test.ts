import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxRecognizer } from '../../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { loadSpeechFixture, pcmChunks } from '../../fixtures/speech/speechFixtures.ts';
import { buildNativeHelper } from '../../helpers/buildNativeHelper.ts';

const open: PocketsphinxRecognizer[] = [];
async function started(cmnAdaptFrames: number): Promise<PocketsphinxRecognizer> {
  const recognizer = new PocketsphinxRecognizer({ partialIntervalMs: 0, cmnAdaptFrames });
  open.push(recognizer);
  await recognizer.start();
  return recognizer;
}

/** A caller on a quiet microphone: the set's speech 20 dB down, far from the prior's level (c0). */
function quiet(file: string): Int16Array {
  return loadSpeechFixture(file).samples.map((s) => Math.round(s / 10));
}

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((recognizer) => recognizer.close()));
});

describe('speaker-adaptive cepstral mean', () => {
  it('moves the mean toward the caller while their first turn is still being spoken', async () => {
    const [adaptive, fixed] = await Promise.all([started(20), started(0)]);
    const prior = await adaptive.getCmn();
    const audio = quiet('kitchen-lights.wav');
    for (const recognizer of [adaptive, fixed]) {
      recognizer.beginUtterance();
      for (const chunk of pcmChunks(audio)) recognizer.write(chunk);
      await recognizer.flush();
    }
    const [during, duringFixed] = await Promise.all([adaptive.getCmn(), fixed.getCmn()]);
    // sphinxbase alone keeps the prior until the end of the utterance.
    expect(duringFixed.mean[0]).toBeCloseTo(prior.mean[0], 3);
    // Its weight is the prior's plus the frames heard, as sphinxbase counts them.
    expect(during.frames).toBe(duringFixed.frames);
    await Promise.all([adaptive.endUtterance(), fixed.endUtterance()]);
    const [after, afterFixed] = await Promise.all([adaptive.getCmn(), fixed.getCmn()]);
    // At the end both land on the same estimate: only its timing changed...
    after.mean.forEach((value, i) => expect(value).toBeCloseTo(afterFixed.mean[i], 3));
    expect(afterFixed.mean[0]).toBeLessThan(prior.mean[0] - 1);
    // ...and the adaptive decoder had it (to within the last 20 frames) while the caller spoke.
    expect(Math.abs(during.mean[0] - afterFixed.mean[0])).toBeLessThan(0.2);
  });
});
