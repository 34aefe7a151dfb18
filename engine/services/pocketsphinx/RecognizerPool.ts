import { PocketsphinxError, PocketsphinxRecognizer, type PocketsphinxOptions } from './PocketsphinxRecognizer.ts';

export interface RecognizerPoolOptions {
  recognizer?: PocketsphinxOptions;
  /** Decoders kept loaded and idle so a new session does not wait ~0.6 s for model loading. */
  warm?: number;
  /** Idle decoders kept after sessions end; beyond this they are closed (each holds ~100 MB RSS). */
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
 * back. A decoder is a process with its models in memory, so reusing one
 * saves the load time and, because pocketsphinx adapts its cepstral mean
 * across utterances, a reused decoder also starts better calibrated.
 */
export class RecognizerPool {
  private readonly recognizerOptions: PocketsphinxOptions;
  private readonly warm: number;
  private readonly maxIdle: number;
  private readonly max: number;
  private readonly idle: PocketsphinxRecognizer[] = [];
  private readonly inUse = new Set<PocketsphinxRecognizer>();
  private readonly loading: Loading[] = [];
  private closed = false;
  /** Last background start failure, so a broken install is visible without an unhandled rejection. */
  lastError: Error | undefined;

  constructor(options: RecognizerPoolOptions = {}) {
    this.recognizerOptions = options.recognizer ?? {};
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
          throw new PocketsphinxError(`recognizer pool exhausted (${this.max} decoders in use or loading)`);
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

  /** Takes a recognizer back; its open utterance and listeners are dropped. */
  release(recognizer: PocketsphinxRecognizer): void {
    if (!this.inUse.delete(recognizer)) return;
    recognizer.cancelUtterance();
    recognizer.removeAllListeners();
    if (!this.closed && recognizer.running && this.idle.length < this.maxIdle) {
      this.idle.push(recognizer);
    } else {
      void recognizer.close();
    }
    this.refill();
  }

  /** Closes every decoder, including ones still in use. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.inUse];
    this.idle.length = 0;
    this.inUse.clear();
    await Promise.all(all.map((recognizer) => recognizer.close()));
    // Loading ones close themselves when they finish (see load()).
    await Promise.allSettled(this.loading.map((entry) => entry.promise));
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
