import { spawn } from 'node:child_process';
import { readWav } from '../../audio/wav.ts';
import { TtsProcessor, type SynthesizedAudio } from '../../services/tts/TtsProcessor.ts';

export interface EspeakSettings {
  /** espeak-ng voice, e.g. en-gb, en-us, en-gb-x-rp. */
  voice: string;
  /** Words per minute. */
  wordsPerMinute: number;
  /** 0–99. */
  pitch: number;
}

/**
 * espeak-ng (GPL) as a subprocess: the process boundary keeps its licence out
 * of ours. Very fast, many voices including British English; robotic.
 */
export class EspeakTts extends TtsProcessor {
  constructor(
    id: string,
    private settings: EspeakSettings,
  ) {
    super(id);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<EspeakSettings>) };
  }

  protected synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio> {
    const { voice, wordsPerMinute, pitch } = this.settings;
    return new Promise((resolve, reject) => {
      const child = spawn('espeak-ng', ['--stdout', '-v', voice, '-s', String(wordsPerMinute), '-p', String(pitch), '--', text], { signal, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', (error) => reject(error.name === 'AbortError' ? error : new Error(`espeak-ng could not run (is the Debian package espeak-ng installed?): ${error.message}`)));
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
