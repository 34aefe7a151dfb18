import { spawn } from 'node:child_process';
import { z } from 'zod';
import { readWav } from '../../audio/wav.ts';
import {
  type EmitAudio,
  type SynthesizedAudio,
  TtsProcessor,
} from '../../services/tts/TtsProcessor.ts';

export const espeakSettings = z.object({
  voice: z
    .string()
    .regex(
      /^[a-z]{2,3}(-[a-z0-9-]+)?(\+[a-z0-9]+)?$/i,
      'must be an espeak-ng voice such as en-gb, en-us or en-gb+m3',
    )
    .default('en-gb'),
  wordsPerMinute: z.number().int().min(80).max(400).default(165),
  pitch: z.number().int().min(0).max(99).default(45),
});

export type EspeakSettings = z.output<typeof espeakSettings>;

/**
 * espeak-ng (GPL) as a subprocess: the process boundary keeps its licence out
 * of ours. Very fast, many voices including British English; robotic.
 */
export class EspeakTts extends TtsProcessor<EspeakSettings> {
  protected override readonly settingsSchema = espeakSettings;

  /** espeak-ng renders the whole sentence before it writes the WAV: one piece. */
  protected override async speak(
    text: string,
    signal: AbortSignal,
    emit: EmitAudio,
  ): Promise<void> {
    emit(await this.synthesize(text, signal));
  }

  private synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio> {
    const { voice, wordsPerMinute, pitch } = this.settings;
    return new Promise((resolve, reject) => {
      const child = spawn(
        'espeak-ng',
        ['--stdout', '-v', voice, '-s', String(wordsPerMinute), '-p', String(pitch), '--', text],
        { signal, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', (error) =>
        reject(
          error.name === 'AbortError'
            ? error
            : new Error(
                `espeak-ng could not run (is the Debian package espeak-ng installed?): ${error.message}`,
              ),
        ),
      );
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`espeak-ng exited with ${code}: ${err.trim()}`));
        try {
          const wav = readWav(Buffer.concat(out), { mixToMono: true });
          resolve({ samples: wav.samples, sampleRate: wav.sampleRate });
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}
