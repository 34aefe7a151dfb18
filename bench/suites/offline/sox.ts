/**
 * sox and espeak-ng as the eval uses them: on WAV files in a private temp
 * directory, every failure naming the command and what it printed. sox runs
 * with -R (fixed seeds) and -D (no dither) so the same input always gives the
 * same bytes — the eval's audio cache depends on it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWav, writeWav } from '#engine';

export const EVAL_RATE = 16_000;

/** sox's output format for every file the eval makes: 16 kHz mono signed 16-bit. */
export const PCM16_MONO = [
  '-r',
  String(EVAL_RATE),
  '-c',
  '1',
  '-b',
  '16',
  '-e',
  'signed-integer',
] as const;

/** Runs a command; throws with its arguments and stderr when it fails or is missing. */
export function runTool(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    const reason = stderr || (error instanceof Error ? error.message : String(error));
    throw new Error(`offline eval: \`${command} ${args.join(' ')}\` failed: ${reason}`);
  }
}

/** A scratch directory, removed when `work` settles. */
export async function withScratchAsync<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-offline-eval-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A scratch directory, removed when `work` returns or throws. */
export function withScratch<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-offline-eval-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Applies a sox effect chain to 16 kHz mono s16 samples. `outputFormat` sits
 * before the output file name (e.g. `-r 8000 -e mu-law`); the result is read
 * back as s16 — callers that change the format convert back themselves.
 */
export function soxTransform(
  samples: Int16Array,
  effects: readonly string[],
  outputFormat: readonly string[] = ['-b', '16', '-e', 'signed-integer'],
): Int16Array {
  return withScratch((dir) => {
    const input = path.join(dir, 'in.wav');
    const output = path.join(dir, 'out.wav');
    writeFileSync(input, writeWav(samples, EVAL_RATE));
    runTool('sox', ['-R', '-D', input, ...outputFormat, output, ...effects]);
    return readMono16k(output);
  });
}

/** Reads a WAV that must be 16 kHz mono s16 (what every eval stage produces). */
export function readMono16k(file: string): Int16Array {
  const wav = readWav(readFileSync(file), { mixToMono: true });
  if (wav.sampleRate !== EVAL_RATE)
    throw new Error(`offline eval: ${file} is ${wav.sampleRate} Hz, expected ${EVAL_RATE}`);
  return wav.samples;
}
