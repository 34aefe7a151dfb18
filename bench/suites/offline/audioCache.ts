/**
 * Generated eval audio on disk, keyed by a hash of everything that made it
 * (text, voice, condition, babble sources, and `AUDIO_VERSION`). Generation is
 * deterministic, so a cached file is exactly what generating again would give;
 * bump `AUDIO_VERSION` when the way audio is made changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWav } from '#engine';
import { EVAL_RATE, readMono16k } from './sox.ts';

const AUDIO_VERSION = 2;

export const DEFAULT_CACHE_DIR = fileURLToPath(
  new URL('../../.cache/offline-eval/', import.meta.url),
);

export class AudioCache {
  constructor(readonly dir: string = process.env.OFFLINE_EVAL_CACHE ?? DEFAULT_CACHE_DIR) {
    mkdirSync(dir, { recursive: true });
  }

  async get(key: unknown, make: () => Promise<Int16Array> | Int16Array): Promise<Int16Array> {
    const hash = createHash('sha256')
      .update(JSON.stringify({ AUDIO_VERSION, key }))
      .digest('hex')
      .slice(0, 24);
    const file = path.join(this.dir, `${hash}.wav`);
    if (existsSync(file)) return readMono16k(file);
    const samples = await make();
    // Written whole then renamed: an interrupted run never leaves half a file to be trusted.
    writeFileSync(`${file}.tmp`, writeWav(samples, EVAL_RATE));
    renameSync(`${file}.tmp`, file);
    return samples;
  }
}
