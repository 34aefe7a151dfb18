/**
 * The measurements behind the audio front end's figures (not a test: run it).
 *
 *   npx tsx test/providers/rnnoise/measureFrontEnd.ts cost
 *   npx tsx test/providers/rnnoise/measureFrontEnd.ts wer white:20:0:ND pink:10:0:D …
 *
 * `cost`: CPU time (process.cpuUsage, so other load on the machine counts
 * less than wall time would) per 10, 20 and 32 ms chunk of each node's DSP,
 * median of 9 passes over the spoken fixtures with white noise at 20 dB.
 *
 * `wer NOISE:SNR:GAIN:STAGES`: corpus WER of a cold pocketsphinx decoder over
 * the 24 clean fixtures, each led in by 1 s of the same noise (a live
 * microphone is open before the user speaks, and RNNoise needs a few hundred
 * ms to learn the noise), with the noise at SNR dB under the speech (or
 * `clean`), the whole `GAIN` dB louder (clipped) or quieter, then the stages
 * in order: D = audio.denoise, N = audio.normalize (defaults).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { corpusWordErrorRate } from '../../../engine/audio/wer.ts';
import { levelNormalizeSettings } from '../../../engine/processors/audio/LevelNormalizeProcessor.ts';
import { LevelNormalizer } from '../../../engine/processors/audio/LevelNormalizer.ts';
import { PocketsphinxRecognizer } from '../../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { RnnoiseDenoiser } from '../../../engine/providers/rnnoise/RnnoiseDenoiser.ts';
import { loadAllSpeechFixtures, pcmChunks } from '../../fixtures/speech/speechFixtures.ts';
import { mixAtSnr, pinkNoise, whiteNoise, withGain } from '../../processors/audio/testSignals.ts';

const SAMPLE_RATE = 16000;
const LEAD_SAMPLES = SAMPLE_RATE;
const NORMALIZE_DEFAULTS = levelNormalizeSettings.parse({});

interface Stage {
  process(samples: Int16Array): Int16Array;
  delay: number;
  close(): void;
}

async function stage(letter: string): Promise<Stage> {
  if (letter === 'D') {
    const denoiser = await RnnoiseDenoiser.create(SAMPLE_RATE, 100);
    return {
      process: (x) => denoiser.process(x),
      delay: denoiser.latencySamples,
      close: () => denoiser.destroy(),
    };
  }
  if (letter === 'N') {
    const normalizer = new LevelNormalizer(SAMPLE_RATE, NORMALIZE_DEFAULTS);
    return { process: (x) => normalizer.process(x), delay: 0, close: () => {} };
  }
  throw new Error(`unknown stage '${letter}' (D: denoise, N: normalize)`);
}

/** Streams a clip through the stages in 20 ms chunks; the output re-aligned with the input. */
async function runStages(samples: Int16Array, letters: string): Promise<Int16Array> {
  const stages = await Promise.all([...letters].map(stage));
  const delay = stages.reduce((sum, s) => sum + s.delay, 0);
  const padded = new Int16Array(samples.length + delay);
  padded.set(samples);
  const out = new Int16Array(padded.length);
  for (let start = 0; start < padded.length; start += 320) {
    let chunk: Int16Array = padded.subarray(start, Math.min(padded.length, start + 320));
    for (const s of stages) chunk = s.process(chunk);
    out.set(chunk, start);
  }
  for (const s of stages) s.close();
  return out.subarray(delay);
}

function noisyFixture(samples: Int16Array, noise: string, snrDb: number, seed: number) {
  const led = new Int16Array(LEAD_SAMPLES + samples.length);
  led.set(samples, LEAD_SAMPLES);
  if (noise === 'clean') return led;
  const generate = noise === 'white' ? whiteNoise : noise === 'pink' ? pinkNoise : undefined;
  if (!generate) throw new Error(`unknown noise '${noise}' (white, pink or clean)`);
  return mixAtSnr(led, generate(led.length, seed), snrDb);
}

async function measureWer(conditions: string[]): Promise<void> {
  execFileSync(fileURLToPath(new URL('../../../scripts/build-native.sh', import.meta.url)));
  const fixtures = loadAllSpeechFixtures().filter((f) => !f.file.includes('noisy'));
  const recognizer = new PocketsphinxRecognizer({ mode: 'fast' });
  await recognizer.start();
  const coldCmn = await recognizer.getCmn();
  try {
    for (const condition of conditions) {
      const [noise, snr, gain, letters = ''] = condition.split(':');
      const pairs = [];
      for (const [i, fixture] of fixtures.entries()) {
        const input = withGain(noisyFixture(fixture.samples, noise, Number(snr), 11 + i), +gain);
        const heard = (await runStages(input, letters)).subarray(LEAD_SAMPLES);
        recognizer.setCmn(coldCmn);
        recognizer.beginUtterance();
        for (const chunk of pcmChunks(heard)) recognizer.write(chunk);
        pairs.push({
          reference: fixture.reference,
          hypothesis: (await recognizer.endUtterance()).text,
        });
      }
      console.log(`${condition}\tWER ${corpusWordErrorRate(pairs).toFixed(3)}`);
    }
  } finally {
    await recognizer.close();
  }
}

async function measureCost(): Promise<void> {
  const clips = loadAllSpeechFixtures().map((f, i) =>
    mixAtSnr(f.samples, whiteNoise(f.samples.length, i + 1), 20),
  );
  const audio = new Int16Array(clips.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const clip of clips) {
    audio.set(clip, offset);
    offset += clip.length;
  }
  for (const letter of ['D', 'N']) {
    for (const chunkMs of [10, 20, 32]) {
      const chunk = (SAMPLE_RATE * chunkMs) / 1000;
      const passes: number[] = [];
      for (let pass = 0; pass < 9; pass++) {
        const s = await stage(letter);
        const before = process.cpuUsage();
        let chunks = 0;
        for (let start = 0; start + chunk <= audio.length; start += chunk, chunks++) {
          s.process(audio.subarray(start, start + chunk));
        }
        const used = process.cpuUsage(before);
        passes.push((used.user + used.system) / 1000 / chunks);
        s.close();
      }
      passes.sort((a, b) => a - b);
      const ms = passes[Math.floor(passes.length / 2)];
      console.log(`${letter} per ${chunkMs} ms chunk: ${ms.toFixed(4)} ms CPU`);
    }
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'cost') await measureCost();
else if (command === 'wer') await measureWer(rest);
else console.error('usage: measureFrontEnd.ts cost | wer NOISE:SNR:GAIN:STAGES …');
