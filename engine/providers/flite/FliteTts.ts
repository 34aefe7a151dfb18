import { z } from 'zod';
import {
  type EmitAudio,
  type SynthesizedAudio,
  TtsProcessor,
} from '../../services/tts/TtsProcessor.ts';
import { sharedService } from '../sharedServices.ts';
import { FliteSynth } from './FliteSynth.ts';

export const fliteSettings = z.object({
  voice: z
    .enum(['slt', 'rms', 'awb', 'kal16', 'kal'])
    .default('slt')
    .describe('slt: US female · rms: US male · awb: Scottish male · kal16/kal: US male, robotic'),
  rate: z.number().min(0.5).max(2).default(1).describe('Speaking rate (1 = normal)'),
});

export type FliteSettings = z.output<typeof fliteSettings>;

/**
 * One worker pool for every session in the process: synthesis is CPU-bound,
 * so more workers than cores would only make every session slower.
 */
export function sharedFliteSynth(): FliteSynth {
  return sharedService('flite', () => new FliteSynth({ workers: 2 }));
}

/** Flite (CMU, BSD-style licence) compiled to WASI, in worker threads: no apt, no network. */
export class FliteTts extends TtsProcessor<FliteSettings> {
  protected override readonly settingsSchema = fliteSettings;

  constructor(
    id: string,
    settings: FliteSettings,
    private readonly synth: FliteSynth = sharedFliteSynth(),
  ) {
    super(id, settings);
  }

  /** The first synthesis would otherwise pay for starting workers and compiling flite. */
  protected override async onStart(): Promise<void> {
    await this.synth.voices();
  }

  /**
   * Flite returns a sentence only when all of it is synthesised, so a long
   * sentence is cut at clause boundaries and the clauses synthesised in
   * parallel: the first one plays while the rest are still being made.
   */
  protected override async speak(
    text: string,
    signal: AbortSignal,
    emit: EmitAudio,
  ): Promise<void> {
    const pending = splitClauses(text).map((clause) => this.synthesize(clause, signal));
    // Settle them all even if one fails, so no rejection goes unobserved.
    pending.forEach((p) => p.catch(() => {}));
    for (const audio of pending) {
      const clip = await audio;
      if (signal.aborted) return;
      emit(clip);
    }
  }

  private async synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio> {
    const result = await this.synth.synthesize(text, {
      voice: this.settings.voice,
      rate: this.settings.rate,
      signal,
    });
    return { samples: result.samples, sampleRate: result.sampleRate };
  }
}

/** Clauses of at least `minChars`, cut after , ; : or a dash, so each sounds whole. */
export function splitClauses(text: string, minChars = 24): string[] {
  const parts = text.match(/[^,;:\u2014]+(?:[,;:\u2014]+\s*|$)/g) ?? [text];
  const clauses: string[] = [];
  let current = '';
  for (const part of parts) {
    current += part;
    if (current.trim().length >= minChars) {
      clauses.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) {
    if (clauses.length > 0 && current.trim().length < minChars / 2)
      clauses[clauses.length - 1] += ` ${current.trim()}`;
    else clauses.push(current.trim());
  }
  return clauses.length > 0 ? clauses : [text];
}
