import { afterEach, describe, expect, it } from 'vitest';
import { RnnoiseDenoiser } from '../../../engine/providers/rnnoise/RnnoiseDenoiser.ts';
import { loadSpeechFixture } from '../../fixtures/speech/speechFixtures.ts';
import {
  activeDbfs,
  mixAtSnr,
  pinkNoise,
  snrAgainst,
  whiteNoise,
} from '../../processors/audio/testSignals.ts';
import { streamThrough } from './streamThrough.ts';

const open: RnnoiseDenoiser[] = [];
async function denoiser(sampleRate: number, attenuationLimitDb = 100): Promise<RnnoiseDenoiser> {
  const created = await RnnoiseDenoiser.create(sampleRate, attenuationLimitDb);
  open.push(created);
  return created;
}

afterEach(() => {
  for (const d of open.splice(0)) d.destroy();
});

/** Power ratio of two signals in dB. */
function levelDifferenceDb(a: Int16Array, b: Int16Array): number {
  const power = (x: Int16Array) => x.reduce((sum, s) => sum + s * s, 0);
  return 10 * Math.log10(power(a) / power(b));
}

const noiseOnly = (length: number, seed: number) =>
  Int16Array.from(whiteNoise(length, seed), (s) => Math.round(s * 3000));

/** Pink noise keeps clear of the band edge the resamplers' anti-alias filters cut. */
const bandLimitedNoise = (length: number, seed: number) =>
  Int16Array.from(pinkNoise(length, seed), (s) => Math.round(s * 3000));

describe('RnnoiseDenoiser', () => {
  it.each([8000, 16000, 48000])(
    'at %i Hz returns every chunk at its own length, delayed by exactly latencySamples',
    async (rate) => {
      // Limit 0 dB mixes in only the original: what comes out is the input, delayed.
      const d = await denoiser(rate, 0);
      const input = bandLimitedNoise(rate, 3);
      // Odd chunk sizes: the 48 kHz framing never lines up with them.
      const output = streamThrough(d, input, 37);
      const aligned = snrAgainst(input, output);
      expect(aligned).toBeGreaterThan(20);
      // One sample either way fits worse: the stated delay is the real one.
      expect(aligned).toBeGreaterThan(snrAgainst(input, output.subarray(1)));
      expect(aligned).toBeGreaterThan(snrAgainst(input.subarray(1), output));
      expect(d.underrunSamples).toBe(0);
    },
  );

  it('states its delay: 22.5 ms at 16 kHz', async () => {
    const d = await denoiser(16000);
    expect(d.latencySamples).toBe(360);
    expect(d.latencyMs).toBe(22.5);
  });

  it.each([
    ['white', whiteNoise],
    ['pink', pinkNoise],
  ])('raises the SNR of speech in %s noise at 10 dB', async (_name, noise) => {
    for (const file of ['weather-london.wav', 'kitchen-lights.wav']) {
      const clean = loadSpeechFixture(file).samples;
      const noisy = mixAtSnr(clean, noise(clean.length, 5), 10);
      const output = streamThrough(await denoiser(16000), noisy);
      // Measured 4.5–7.4 dB better (13–15.6 dB against 8.1–8.3 dB).
      expect(snrAgainst(clean, output) - snrAgainst(clean, noisy)).toBeGreaterThan(3);
    }
  });

  it('turns noise alone down, but by no more than the attenuation limit', async () => {
    const noise = bandLimitedNoise(32000, 9);
    const unlimited = streamThrough(await denoiser(16000), noise);
    // Steady noise at −21 dBFS: turned down well over 10 dB.
    expect(levelDifferenceDb(noise, unlimited)).toBeGreaterThan(10);
    const limited = streamThrough(await denoiser(16000, 6), noise);
    const attenuation = levelDifferenceDb(noise, limited);
    expect(attenuation).toBeGreaterThan(4);
    expect(attenuation).toBeLessThanOrEqual(6.1);
  });

  it('passes clean speech at nearly the same level', async () => {
    for (const file of ['weather-london.wav', 'set-timer.wav']) {
      const clean = loadSpeechFixture(file).samples;
      const output = streamThrough(await denoiser(16000), clean);
      expect(Math.abs(activeDbfs(output) - activeDbfs(clean))).toBeLessThan(1);
    }
  });

  it('after reset, lets none of the audio it held back come out', async () => {
    const held = await denoiser(16000, 0);
    const wasReset = await denoiser(16000, 0);
    for (const d of [held, wasReset]) d.process(noiseOnly(1000, 1));
    wasReset.reset();
    const silence = new Int16Array(held.latencySamples);
    expect(held.process(silence).some((s) => s !== 0)).toBe(true);
    expect(wasReset.process(silence).every((s) => s === 0)).toBe(true);
  });

  it('refuses a negative attenuation limit and use after destroy, saying what', async () => {
    const d = await denoiser(16000);
    expect(() => {
      d.attenuationLimitDb = -3;
    }).toThrow(/attenuationLimitDb must be ≥ 0, got -3/);
    d.destroy();
    expect(d.destroyed).toBe(true);
    expect(() => d.process(new Int16Array(2000))).toThrow(/after destroy/);
  });
});
