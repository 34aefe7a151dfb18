/**
 * Acoustic conditions for measuring the recogniser (measureCmnAdaptation.ts,
 * measureBias.ts): the same speech as heard through a quiet microphone, a
 * telephone line, or with background noise. Deterministic, so two runs of a
 * measurement compare like with like.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rms } from '../../audio/level.ts';
import { readWav, writeWav } from '../../audio/wav.ts';

export type Channel = 'clean' | 'quiet' | 'telephone' | 'noise20' | 'noise10';
export const CHANNELS: readonly Channel[] = ['clean', 'quiet', 'telephone', 'noise20', 'noise10'];

const RATE = 16_000;

function clip(value: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(value)));
}

/** A quiet microphone: 20 dB down. */
function quieter(samples: Int16Array): Int16Array {
  return samples.map((s) => clip(s * 0.1));
}

/** 8 kHz G.711 u-law and back, like a phone call reaching a 16 kHz decoder (sox does the codec). */
function telephone(samples: Int16Array): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'parley-channel-'));
  try {
    writeFileSync(join(dir, 'in.wav'), writeWav(samples, RATE));
    execFileSync('sox', [
      '-D',
      join(dir, 'in.wav'),
      '-r',
      '8000',
      '-e',
      'u-law',
      join(dir, 'phone.wav'),
    ]);
    execFileSync('sox', [
      '-D',
      join(dir, 'phone.wav'),
      '-r',
      String(RATE),
      '-e',
      'signed-integer',
      '-b',
      '16',
      join(dir, 'out.wav'),
    ]);
    return readWav(readFileSync(join(dir, 'out.wav'))).samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeded so every run adds the same noise. */
function* gaussianNoise(seed: number): Generator<number> {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 1) / 4294967297;
  };
  for (;;) yield Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * White noise at `snrDb` below the speech. Speech power is measured over the
 * loud samples only, so the leading and trailing silence does not make the
 * noise quieter than the SNR says.
 */
function withNoise(samples: Int16Array, snrDb: number, seed: number): Int16Array {
  const loud = samples.filter((s) => Math.abs(s) > 0.05 * 32768);
  const speechRms = rms(loud.length > 0 ? loud : samples);
  const noiseRms = speechRms / 10 ** (snrDb / 20);
  const noise = gaussianNoise(seed);
  return samples.map((s) => clip(s + noiseRms * noise.next().value!));
}

/** `samples` (16 kHz mono) as heard through `channel`. */
export function throughChannel(samples: Int16Array, channel: Channel, seed = 1): Int16Array {
  switch (channel) {
    case 'clean':
      return samples;
    case 'quiet':
      return quieter(samples);
    case 'telephone':
      return telephone(samples);
    case 'noise20':
      return withNoise(samples, 20, seed);
    case 'noise10':
      return withNoise(samples, 10, seed);
  }
}
