import { Resampler } from '#engine';

export interface AudioRateConverterOptions {
  /** Resamplers kept per source rate (default 3), so a stream that switches back and forth builds each one once. */
  cacheSize?: number;
  /** Builds allowed per minute (default unlimited); see `accepts()`. */
  maxBuildsPerMinute?: number;
}

/**
 * Converts a stream of PCM chunks to one target rate, in order; the source
 * rate may change mid-stream. Building a resampler is async, so while one is
 * being built chunks queue behind it; otherwise conversion is synchronous.
 * `after()` slots events in where they were queued — things that must reach
 * the client after the last sample before them (a Twilio `mark`, a Realtime
 * `response.done`). `reset()` (barge-in) drops whatever still waits and the
 * filter history.
 *
 * A build costs ~10 ms of the event loop (a WebAssembly instance), so built
 * resamplers are kept per rate, and a stream from an untrusted client can be
 * held to a build budget: a client alternating sample rates must not stall
 * every other session on the server.
 */
export class AudioRateConverter {
  /** Least recently used first. */
  private readonly resamplers = new Map<number, Resampler>();
  private activeRate: number | undefined;
  /** When each build was reserved, for the budget; a reservation is taken when a chunk needing one is queued. */
  private readonly buildTimes: number[] = [];
  private readonly reserved = new Set<number>();
  private readonly cacheSize: number;
  private readonly maxBuildsPerMinute: number;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private epoch = 0;
  private destroyed = false;

  constructor(
    readonly targetRate: number,
    options: AudioRateConverterOptions = {},
  ) {
    this.cacheSize = Math.max(1, options.cacheSize ?? 3);
    this.maxBuildsPerMinute = options.maxBuildsPerMinute ?? Infinity;
  }

  /** Whether audio at `fromRate` can be converted now without going over the build budget. */
  accepts(fromRate: number): boolean {
    return (
      fromRate === this.targetRate ||
      this.resamplers.has(fromRate) ||
      this.reserved.has(fromRate) ||
      this.budgetLeft()
    );
  }

  /** `deliver` is called in order with converted audio; never after `reset()` for older chunks. */
  convert(samples: Int16Array, fromRate: number, deliver: (samples: Int16Array) => void): void {
    if (this.pending === 0) {
      if (fromRate === this.targetRate) {
        emit(samples, deliver);
        return;
      }
      const ready = this.use(fromRate);
      if (ready) {
        emit(ready.process(samples), deliver);
        return;
      }
    }
    if (fromRate !== this.targetRate && !this.resamplers.has(fromRate)) this.reserve(fromRate);
    const epoch = this.epoch;
    this.enqueue(async () => {
      if (fromRate === this.targetRate) {
        emit(samples, deliver);
        return;
      }
      // Evicted while it waited: it needs a build again, which the budget may no longer allow.
      const resampler =
        this.use(fromRate) ?? (this.reserve(fromRate) ? await this.build(fromRate) : undefined);
      if (!resampler || epoch !== this.epoch) return; // over budget, destroyed, or a barge-in while it was being built
      emit(resampler.process(samples), deliver);
    });
  }

  /** Runs `run` once everything queued before it has been delivered; a reset drops it with the audio. */
  after(run: () => void): void {
    if (this.pending === 0) run();
    else this.enqueue(run);
  }

  reset(): void {
    this.epoch++;
    for (const resampler of this.resamplers.values()) resampler.reset();
  }

  destroy(): void {
    this.destroyed = true;
    this.epoch++;
    for (const resampler of this.resamplers.values()) resampler.destroy();
    this.resamplers.clear();
  }

  /** The cached resampler for `fromRate`, made the active one (its history from an earlier stretch dropped). */
  private use(fromRate: number): Resampler | undefined {
    const resampler = this.resamplers.get(fromRate);
    if (!resampler) return undefined;
    if (this.activeRate !== fromRate) {
      resampler.reset();
      this.activeRate = fromRate;
      this.resamplers.delete(fromRate);
      this.resamplers.set(fromRate, resampler);
    }
    return resampler;
  }

  /** Takes a build from the budget for `fromRate`, unless one is already taken; false when the budget is spent. */
  private reserve(fromRate: number): boolean {
    if (this.reserved.has(fromRate)) return true;
    if (!this.budgetLeft()) return false;
    this.reserved.add(fromRate);
    this.buildTimes.push(performance.now());
    return true;
  }

  private budgetLeft(): boolean {
    const minuteAgo = performance.now() - 60_000;
    while (this.buildTimes.length > 0 && this.buildTimes[0] < minuteAgo) this.buildTimes.shift();
    return this.buildTimes.length < this.maxBuildsPerMinute;
  }

  private async build(fromRate: number): Promise<Resampler | undefined> {
    const created = await Resampler.create(fromRate, this.targetRate).finally(() =>
      this.reserved.delete(fromRate),
    );
    if (this.destroyed) {
      created.destroy();
      return undefined;
    }
    this.resamplers.set(fromRate, created);
    this.activeRate = fromRate;
    for (const [rate, oldest] of this.resamplers) {
      if (this.resamplers.size <= this.cacheSize) break;
      oldest.destroy();
      this.resamplers.delete(rate);
    }
    return created;
  }

  private enqueue(step: () => void | Promise<void>): void {
    const epoch = this.epoch;
    this.pending++;
    this.chain = this.chain
      .then(() => (epoch === this.epoch && !this.destroyed ? step() : undefined))
      .catch(() => undefined)
      .finally(() => {
        this.pending--;
      });
  }
}

function emit(samples: Int16Array, deliver: (samples: Int16Array) => void): void {
  if (samples.length > 0) deliver(samples);
}
