/**
 * The acoustic conditions each utterance is heard in. Every condition starts
 * from the talker's clean speech (voices.ts, -20 dBFS active level) with
 * 0.5 s of silence on both sides, as a microphone hears a turn; noise runs
 * through that silence too. Signal processing is sox's (noise generation,
 * reverb, gain, telephone band and μ-law); levels are measured and noise
 * scaled here, so an SNR means exactly what it says:
 *
 * - `white…`, `pink…`, `babble…` at 20, 10 and 5 dB SNR: the noise's RMS over
 *   the whole clip is that many dB under the speech's *active* level
 *   (activeLevel.ts — silence does not count). White and pink noise are sox
 *   `synth` beds (fixed seed); each utterance takes its own stretch of the
 *   bed. Babble is 5 other corpus utterances, each looped from a different
 *   offset and summed: a room where other people talk.
 * - `reverb`: sox `reverb 50 50 100 100 20` — reverberance 50 %, HF damping
 *   50 %, room scale 100 % (a large room), 20 ms pre-delay, wet gain 0 dB, dry
 *   signal kept; then brought back to the clean active level so only the
 *   room, not loudness, changes.
 * - `gainMinus20dB`: a distant or quiet microphone (-40 dBFS active).
 * - `gainPlus10dB`: a hot microphone; peaks clip at full scale (sox `gain 10`),
 *   which is the point.
 * - `telephone`: band-passed to 300–3400 Hz, 8 kHz μ-law, and back to 16 kHz
 *   (a PSTN call reaching the agent).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeWav } from '#engine';
import { activeLevelDbfs, clip } from './activeLevel.ts';
import { EVAL_RATE, PCM16_MONO, readMono16k, runTool, soxTransform, withScratch } from './sox.ts';

export type NoiseKind = 'white' | 'pink' | 'babble';

export type Condition =
  | { id: 'clean'; kind: 'clean' }
  | { id: string; kind: 'noise'; noise: NoiseKind; snrDb: number }
  | { id: 'reverb'; kind: 'reverb' }
  | { id: string; kind: 'gain'; gainDb: number }
  | { id: 'telephone'; kind: 'telephone' };

export const SNRS_DB = [20, 10, 5] as const;
export const NOISE_KINDS: readonly NoiseKind[] = ['white', 'pink', 'babble'];

export const CONDITIONS: readonly Condition[] = [
  { id: 'clean', kind: 'clean' },
  ...SNRS_DB.flatMap((snrDb) =>
    NOISE_KINDS.map(
      (noise): Condition => ({ id: `${noise}${snrDb}dB`, kind: 'noise', noise, snrDb }),
    ),
  ),
  { id: 'reverb', kind: 'reverb' },
  { id: 'gainMinus20dB', kind: 'gain', gainDb: -20 },
  { id: 'gainPlus10dB', kind: 'gain', gainDb: 10 },
  { id: 'telephone', kind: 'telephone' },
];

export function conditionById(id: string): Condition {
  const found = CONDITIONS.find((c) => c.id === id);
  if (!found)
    throw new Error(
      `offline eval: unknown condition '${id}'; known: ${CONDITIONS.map((c) => c.id).join(', ')}`,
    );
  return found;
}

export const MIC_PAD_MS = 500;
export const REVERB_EFFECT = ['reverb', '50', '50', '100', '100', '20', '0'];
const BED_SECONDS = 30;

/** Clean speech with the microphone's silence around it. */
export function padForMic(speech: Int16Array): Int16Array {
  const pad = (EVAL_RATE * MIC_PAD_MS) / 1000;
  const out = new Int16Array(speech.length + 2 * pad);
  out.set(speech, pad);
  return out;
}

export interface ConditionInputs {
  /** The talker's clean speech, trimmed (voices.ts). */
  speech: Int16Array;
  /** Picks this utterance's stretch of a noise bed; any string, the utterance id. */
  seed: string;
  /** Clean speech of other utterances, for babble (4–6 of them). */
  babbleSources?: readonly Int16Array[];
}

/** What the microphone hears: `speech`, padded, in `condition`. */
export function applyCondition(condition: Condition, inputs: ConditionInputs): Int16Array {
  const mic = padForMic(inputs.speech);
  switch (condition.kind) {
    case 'clean':
      return mic;
    case 'noise': {
      const noise =
        condition.noise === 'babble'
          ? babble(inputs.babbleSources ?? [], mic.length, condition.id)
          : bedStretch(condition.noise, inputs.seed, mic.length);
      return mixAtSnr(mic, noise, condition.snrDb);
    }
    case 'reverb': {
      const wet = soxTransform(mic, [...REVERB_EFFECT, 'channels', '1']);
      const shift = activeLevelDbfs(mic, EVAL_RATE) - activeLevelDbfs(wet, EVAL_RATE);
      return Int16Array.from(wet, (s) => clip(s * 10 ** (shift / 20)));
    }
    case 'gain':
      return soxTransform(mic, ['gain', String(condition.gainDb)]);
    case 'telephone':
      return telephone(mic);
  }
}

/** speech + noise scaled so that active speech level − noise RMS = `snrDb`. */
export function mixAtSnr(speech: Int16Array, noise: Float64Array, snrDb: number): Int16Array {
  if (noise.length < speech.length)
    throw new Error(`offline eval: noise is ${noise.length} samples, speech ${speech.length}`);
  const noiseLevel = rmsOf(noise);
  if (noiseLevel === 0) throw new Error('offline eval: the noise is silent');
  const target = activeLevelDbfs(speech, EVAL_RATE) - snrDb;
  const scale = (32768 * 10 ** (target / 20)) / noiseLevel;
  return Int16Array.from(speech, (s, i) => clip(s + scale * noise[i]));
}

function rmsOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum / values.length);
}

const beds = new Map<string, Int16Array>();

/** A 30 s noise bed from sox (fixed seed: the same bytes every run), made once per process. */
function noiseBed(kind: 'white' | 'pink'): Int16Array {
  let bed = beds.get(kind);
  if (!bed) {
    bed = withScratch((dir) => {
      const file = path.join(dir, `${kind}.wav`);
      runTool('sox', [
        '-R',
        '-D',
        '-n',
        ...PCM16_MONO,
        file,
        'synth',
        String(BED_SECONDS),
        `${kind}noise`,
        'vol',
        '0.5',
      ]);
      return readMono16k(file);
    });
    beds.set(kind, bed);
  }
  return bed;
}

function bedStretch(kind: 'white' | 'pink', seed: string, length: number): Float64Array {
  const bed = noiseBed(kind);
  if (length > bed.length)
    throw new Error(`offline eval: an utterance longer than ${BED_SECONDS} s`);
  const start = hashToInt(seed) % (bed.length - length + 1);
  return Float64Array.from(bed.subarray(start, start + length));
}

/** Other talkers: each source looped from its own offset, all summed. */
export function babble(sources: readonly Int16Array[], length: number, seed: string): Float64Array {
  if (sources.length < 4 || sources.length > 6)
    throw new Error(`offline eval: babble needs 4–6 other utterances, got ${sources.length}`);
  const out = new Float64Array(length);
  const gap = Math.round(EVAL_RATE * 0.2);
  sources.forEach((source, k) => {
    if (source.length === 0) throw new Error(`offline eval: babble source ${k} is empty`);
    const period = source.length + gap;
    let phase = (hashToInt(`${seed}:${k}`) + k * 4999) % period;
    for (let i = 0; i < length; i++) {
      if (phase < source.length) out[i] += source[phase];
      phase = (phase + 1) % period;
    }
  });
  return out;
}

function telephone(mic: Int16Array): Int16Array {
  return withScratch((dir) => {
    const wide = path.join(dir, 'wide.wav');
    const phone = path.join(dir, 'phone.wav');
    const back = path.join(dir, 'back.wav');
    writeFileSync(wide, writeWav(mic, EVAL_RATE));
    runTool('sox', [
      '-R',
      '-D',
      wide,
      '-r',
      '8000',
      '-e',
      'mu-law',
      '-b',
      '8',
      phone,
      'sinc',
      '300-3400',
    ]);
    runTool('sox', [
      '-R',
      '-D',
      phone,
      '-r',
      String(EVAL_RATE),
      '-b',
      '16',
      '-e',
      'signed-integer',
      back,
    ]);
    return readMono16k(back);
  });
}

/** FNV-1a: a stable small integer from a string, for offsets. */
export function hashToInt(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
