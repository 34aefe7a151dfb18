import { ForkingLauncher } from './ForkingLauncher.ts';
import type { BiasReport } from './PocketsphinxProtocol.ts';
import {
  type LanguageModelBias,
  PocketsphinxError,
  type PocketsphinxOptions,
  PocketsphinxRecognizer,
} from './PocketsphinxRecognizer.ts';

export interface RecognizerPoolOptions {
  /** Options of every recognizer; without a `launcher` of its own, decoders are forked from a zygote the pool owns. */
  recognizer?: PocketsphinxOptions;
  /** Decoders kept started and idle so a new session does not wait for one. */
  warm?: number;
  /** Idle decoders kept after sessions end; beyond this they are closed (each holds ~2–20 MB of its own). */
  maxIdle?: number;
  /** Upper bound on decoder processes, idle + in use + loading. */
  max?: number;
}

export interface RecognizerPoolStats {
  idle: number;
  inUse: number;
  loading: number;
}

interface Loading {
  promise: Promise<PocketsphinxRecognizer>;
  claimed: boolean;
}

/**
 * Hands out started pocketsphinx recognizers, one per session, and takes them
 * back. A decoder is a process with its models in memory. They are forked
 * from one zygote that loaded the models once (see DecoderZygote), so a burst
 * of sessions gets its decoders in milliseconds each rather than ~0.3 s of
 * CPU each, and they share the models' memory. A decoder given back has its
 * cepstral mean reset to the prior: the next caller starts where every caller
 * does, so one caller's channel does not shape another's recognition and the
 * same audio is heard the same way in any session (what replaying a recorded
 * conversation relies on). The decoder adapts to a caller within their first
 * turn (cmnAdaptFrames), so little is lost.
 *
 * A vocabulary bias is built once in the zygote (`prepareBias`), so the decoders
 * forked after it switch to it instead of each spending ~0.5 s of CPU on it.
 */
export class RecognizerPool {
  private readonly recognizerOptions: PocketsphinxOptions;
  private readonly warm: number;
  private readonly maxIdle: number;
  private readonly max: number;
  private readonly idle: PocketsphinxRecognizer[] = [];
  private readonly inUse = new Set<PocketsphinxRecognizer>();
  private readonly loading: Loading[] = [];
  /** Biases built in the zygote, by weight and text. */
  private readonly prepared = new Map<string, Promise<BiasReport | undefined>>();
  /** Bumped when the zygote gains a bias: decoders forked before it lack it. */
  private generation = 0;
  private readonly generationOf = new WeakMap<PocketsphinxRecognizer, number>();
  private readonly launcher: ForkingLauncher | undefined;
  private closed = false;
  /** Last background start failure, so a broken install is visible without an unhandled rejection. */
  lastError: Error | undefined;

  constructor(options: RecognizerPoolOptions = {}) {
    this.launcher = options.recognizer?.launcher ? undefined : new ForkingLauncher();
    this.recognizerOptions = {
      ...options.recognizer,
      launcher: options.recognizer?.launcher ?? this.launcher,
    };
    this.warm = options.warm ?? 1;
    this.maxIdle = Math.max(this.warm, options.maxIdle ?? this.warm + 2);
    this.max = Math.max(1, options.max ?? 8);
  }

  get stats(): RecognizerPoolStats {
    return { idle: this.idle.length, inUse: this.inUse.size, loading: this.loading.length };
  }

  /** Starts decoders until `warm` are idle or loading; resolves when those are loaded. */
  async prewarm(): Promise<void> {
    this.refill();
    await Promise.allSettled(this.loading.map((entry) => entry.promise));
  }

  /** A started recognizer for one session; give it back with `release()`. */
  async acquire(): Promise<PocketsphinxRecognizer> {
    if (this.closed) throw new PocketsphinxError('recognizer pool is closed');
    let recognizer = this.takeIdle();
    if (!recognizer) {
      const entry = this.loading.find((candidate) => !candidate.claimed);
      if (entry) {
        entry.claimed = true;
        recognizer = await entry.promise;
      } else {
        if (this.total() >= this.max) {
          throw new PocketsphinxError(
            `recognizer pool exhausted (${this.max} decoders in use or loading)`,
          );
        }
        const cold = this.load();
        cold.claimed = true;
        recognizer = await cold.promise;
      }
    }
    if (this.closed) {
      void recognizer.close();
      throw new PocketsphinxError('recognizer pool is closed');
    }
    this.inUse.add(recognizer);
    this.refill();
    return recognizer;
  }

  /**
   * Builds `bias` in the zygote once (later calls share the first), so decoders forked
   * afterwards have it ready; idle decoders forked before are replaced. Resolves
   * undefined when decoders are not forked from a zygote the pool owns, and rejects
   * when the zygote refuses the model — `setBias` then builds it per decoder, as before.
   */
  prepareBias(bias: LanguageModelBias): Promise<BiasReport | undefined> {
    const key = `${bias.weight}\n${bias.arpa}`;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      prepared = this.launcher
        ? (new PocketsphinxRecognizer(this.recognizerOptions).prepareLauncher(bias) ??
          Promise.resolve(undefined))
        : Promise.resolve(undefined);
      this.prepared.set(key, prepared);
      prepared.then(
        (report) => report && !report.cached && this.replaceStaleIdle(),
        () => this.prepared.delete(key),
      );
    }
    return prepared;
  }

  /** Takes a recognizer back; its open utterance and listeners are dropped. */
  release(recognizer: PocketsphinxRecognizer): void {
    if (!this.inUse.delete(recognizer)) return;
    recognizer.cancelUtterance();
    recognizer.removeAllListeners();
    if (!this.closed && recognizer.running && this.idle.length < this.maxIdle) {
      recognizer.resetCmn();
      this.idle.push(recognizer);
    } else {
      void recognizer.close();
    }
    this.refill();
  }

  /** Closes every decoder, including ones still in use or loading; resolves when their processes have exited. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.inUse];
    const loading = this.loading.map((entry) => entry.promise);
    this.idle.length = 0;
    this.inUse.clear();
    await Promise.all(all.map((recognizer) => recognizer.close()));
    const loaded = await Promise.allSettled(loading);
    await Promise.all(
      loaded.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
    await this.launcher?.close();
  }

  /** Idle decoders forked before the zygote gained a bias are closed; refill forks ones that have it. */
  private replaceStaleIdle(): void {
    this.generation++;
    for (const recognizer of this.idle.splice(0)) {
      if ((this.generationOf.get(recognizer) ?? 0) < this.generation) void recognizer.close();
      else this.idle.push(recognizer);
    }
    this.refill();
  }

  private takeIdle(): PocketsphinxRecognizer | undefined {
    for (let recognizer = this.idle.pop(); recognizer; recognizer = this.idle.pop()) {
      if (recognizer.running) return recognizer;
      void recognizer.close(); // crashed while idle
    }
    return undefined;
  }

  private total(): number {
    return this.idle.length + this.inUse.size + this.loading.length;
  }

  private refill(): void {
    if (this.closed) return;
    let spare = this.idle.length + this.loading.filter((entry) => !entry.claimed).length;
    while (spare < this.warm && this.total() < this.max) {
      this.load();
      spare++;
    }
  }

  private load(): Loading {
    const recognizer = new PocketsphinxRecognizer(this.recognizerOptions);
    this.generationOf.set(recognizer, this.generation);
    const entry: Loading = { claimed: false, promise: recognizer.start().then(() => recognizer) };
    this.loading.push(entry);
    entry.promise.then(
      () => {
        this.loading.splice(this.loading.indexOf(entry), 1);
        if (entry.claimed) return; // acquire() takes it from here
        if (this.closed) void recognizer.close();
        // Fresh decoders go to the back: a used one has adapted to the channel and is preferred.
        else this.idle.unshift(recognizer);
      },
      (error: Error) => {
        this.loading.splice(this.loading.indexOf(entry), 1);
        this.lastError = error;
      },
    );
    return entry;
  }
}
