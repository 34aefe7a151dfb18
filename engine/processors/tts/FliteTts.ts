import { FliteSynth } from '../../services/flite/FliteSynth.ts';
import { sharedService } from '../../services/sharedServices.ts';
import { TtsProcessor, type SynthesizedAudio } from './TtsProcessor.ts';

export interface FliteSettings {
  /** Built-in flite voice: slt (US female), rms (US male), awb (Scottish male), kal16, kal. */
  voice: string;
  /** 1 = normal speed. */
  rate: number;
}

/**
 * One worker pool for every session in the process: synthesis is CPU-bound,
 * so more workers than cores would only make every session slower.
 */
export function sharedFliteSynth(): FliteSynth {
  return sharedService('flite', () => new FliteSynth({ workers: 2 }));
}

/** Flite (CMU, BSD-style licence) compiled to WASI, in worker threads: no apt, no network. */
export class FliteTts extends TtsProcessor {
  constructor(
    id: string,
    private settings: FliteSettings,
    private readonly synth: FliteSynth = sharedFliteSynth(),
  ) {
    super(id);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<FliteSettings>) };
  }

  /** The first synthesis would otherwise pay for starting workers and compiling flite. */
  protected override async onStart(): Promise<void> {
    await this.synth.voices();
  }

  protected async synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio> {
    const result = await this.synth.synthesize(text, { voice: this.settings.voice, rate: this.settings.rate, signal });
    return { samples: result.samples, sampleRate: result.sampleRate };
  }
}
