/**
 * Spoken utterances with their reference text, read from a directory of
 * 16 kHz mono WAVs and a transcripts.json (file -> text), for the
 * recogniser's measurement scripts. The default is the project's spoken test
 * set, test/fixtures/speech.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav } from '../../audio/wav.ts';

export interface SpokenUtterance {
  file: string;
  reference: string;
  samples: Int16Array;
}

export const SPEECH_FIXTURES_DIR = fileURLToPath(
  new URL('../../../test/fixtures/speech', import.meta.url),
);

export function loadFixtureSet(dir = SPEECH_FIXTURES_DIR): SpokenUtterance[] {
  const transcripts = JSON.parse(readFileSync(join(dir, 'transcripts.json'), 'utf8')) as Record<
    string,
    string
  >;
  return Object.entries(transcripts).map(([file, reference]) => {
    const wav = readWav(readFileSync(join(dir, file)));
    if (wav.sampleRate !== 16_000 || wav.channels !== 1)
      throw new Error(
        `${join(dir, file)}: expected 16 kHz mono, got ${wav.sampleRate} Hz x ${wav.channels}`,
      );
    return { file, reference, samples: wav.samples };
  });
}
