/**
 * Measures the cepstral mean prior in cmnPrior.ts: `npx tsx engine/providers/pocketsphinx/measureCmn.ts`.
 *
 * The corpus is synthetic speech from two unrelated engines, so the prior is
 * not the fingerprint of one synthesiser: flite's four 16 kHz voices (kal16,
 * awb, rms, slt; diphone and unit selection) and ten espeak-ng voices. The
 * sentences are voice-agent requests that are NOT in the STT test set
 * (test/fixtures/speech), so the WER measured on that set stays a held-out
 * figure. Every clip is peak-normalised to -3 dBFS, like the test set; c0
 * (log energy) follows the input level, see cmnPrior.ts.
 *
 * The decoder measures the features itself, so the prior matches exactly what
 * it computes: before each clip the CMN state is set with weight 0, so after
 * the clip the helper's mean is that clip's own mean over its speech frames
 * (sphinxbase skips zero-energy frames) and `frames` its length. Clips are
 * pooled per voice (frame-weighted), and voices count equally.
 *
 * Needs espeak-ng and sox (scripts/apt-packages.txt) and the built helper.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizePeak } from '../../audio/level.ts';
import { readWav } from '../../audio/wav.ts';
import { FliteSynth } from '../flite/FliteSynth.ts';
import { PocketsphinxRecognizer } from './PocketsphinxRecognizer.ts';

const SENTENCES = [
  'good morning, what can you do for me',
  'please order a large pepperoni pizza',
  'how long does it take to drive to the station',
  'add eggs and bread to my shopping list',
  'what was the score of the football game last night',
  'I would like to change my flight to Friday',
  'open the garage door',
  'who wrote the book about the old man and the sea',
  'turn the heating down by two degrees',
  'is it going to rain this afternoon',
  'no, that is not what I meant',
  'find me a cheap hotel near the beach',
];

const FLITE_VOICES = ['kal16', 'awb', 'rms', 'slt'];
// name, words per minute, pitch: male, female and accented, slow to fast.
const ESPEAK_VOICES: ReadonlyArray<readonly [string, number, number]> = [
  ['en-us', 170, 50],
  ['en-us+m3', 160, 45],
  ['en-us+f3', 175, 60],
  ['en-us+klatt4', 180, 40],
  ['en-gb-x-rp', 165, 50],
  ['en-gb-scotland', 160, 50],
  ['en-029', 170, 55],
  ['en-us+m7', 150, 35],
  ['en-us+f4', 185, 55],
  ['en-gb-x-gbcwmd+klatt', 170, 50],
];

const SAMPLE_RATE = 16_000;
function espeak(dir: string, voice: string, wpm: number, pitch: number, text: string): Int16Array {
  const raw = join(dir, 'raw.wav');
  const out = join(dir, 'out.wav');
  execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-p', String(pitch), '-w', raw, text]);
  execFileSync('sox', [
    '-G',
    '-D',
    raw,
    '-r',
    String(SAMPLE_RATE),
    '-c',
    '1',
    '-b',
    '16',
    '-e',
    'signed-integer',
    out,
  ]);
  return readWav(readFileSync(out)).samples;
}

/** Clip mean and speech-frame count, as the decoder's front end sees them. */
async function clipStats(
  recognizer: PocketsphinxRecognizer,
  samples: Int16Array,
): Promise<{ mean: readonly number[]; frames: number }> {
  const zero = new Array<number>((await recognizer.getCmn()).mean.length).fill(0);
  recognizer.setCmn({ mean: zero, frames: 0 });
  recognizer.beginUtterance();
  recognizer.write(samples);
  await recognizer.endUtterance();
  const state = await recognizer.getCmn();
  // Past 800 frames sphinxbase starts decaying the sum; sentences are far shorter.
  if (state.frames >= 800)
    throw new Error(`clip of ${state.frames} frames is too long to measure exactly`);
  return state;
}

export async function measureCmnPrior(): Promise<{
  prior: number[];
  perVoice: Record<string, number[]>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cmn-'));
  const flite = new FliteSynth();
  // Only the front end matters here; a one-word keyword search makes decoding ~free.
  const recognizer = new PocketsphinxRecognizer({
    partialIntervalMs: 0,
    decoderArgs: ['-keyphrase', 'hello'],
  });
  await recognizer.start();
  try {
    const voices: Array<[string, (text: string) => Promise<Int16Array>]> = [
      ...FLITE_VOICES.map((voice): [string, (text: string) => Promise<Int16Array>] => [
        `flite:${voice}`,
        async (text) => {
          const audio = await flite.synthesize(text, { voice });
          if (audio.sampleRate !== SAMPLE_RATE)
            throw new Error(`flite ${voice} is ${audio.sampleRate} Hz`);
          return audio.samples;
        },
      ]),
      ...ESPEAK_VOICES.map(
        ([voice, wpm, pitch]): [string, (text: string) => Promise<Int16Array>] => [
          `espeak:${voice}`,
          (text) => Promise.resolve(espeak(dir, voice, wpm, pitch, text)),
        ],
      ),
    ];
    const perVoice: Record<string, number[]> = {};
    for (const [name, synthesize] of voices) {
      let sum: number[] | undefined;
      let frames = 0;
      for (const text of SENTENCES) {
        const stats = await clipStats(recognizer, normalizePeak(await synthesize(text)));
        sum ??= new Array<number>(stats.mean.length).fill(0);
        stats.mean.forEach((m, i) => (sum![i] += m * stats.frames));
        frames += stats.frames;
      }
      perVoice[name] = sum!.map((s) => s / frames);
    }
    const means = Object.values(perVoice);
    const prior = means[0].map((_, i) => means.reduce((acc, m) => acc + m[i], 0) / means.length);
    return { prior, perVoice };
  } finally {
    await recognizer.close();
    await flite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const round = (values: number[]): string => values.map((v) => v.toFixed(2)).join(', ');
  const { prior, perVoice } = await measureCmnPrior();
  for (const [name, mean] of Object.entries(perVoice))
    console.log(`${name.padEnd(28)} ${round(mean)}`);
  console.log(`\nDEFAULT_CMN_PRIOR = [${round(prior)}]`);
}
