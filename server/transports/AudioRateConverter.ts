import { Resampler } from '../../engine/audio/Resampler.ts';

/**
 * Converts a stream of PCM chunks to one target rate, in order. The source
 * rate may change mid-stream (a new converter is built for it). Creating a
 * converter is async, so chunks go through a promise chain; `reset()` drops
 * what is still waiting and the filter history, e.g. on an interrupt.
 */
export class AudioRateConverter {
  private resampler: Resampler | undefined;
  private chain: Promise<void> = Promise.resolve();
  private epoch = 0;
  private destroyed = false;
  /** Chunks in the chain: while any wait, a new chunk must queue behind them to keep order. */
  private pending = 0;

  constructor(readonly targetRate: number) {}

  /** `deliver` is called in order with converted audio; never after `reset()` for older chunks. */
  convert(samples: Int16Array, fromRate: number, deliver: (samples: Int16Array) => void): void {
    if (fromRate === this.targetRate && !this.resampler && this.pending === 0) {
      deliver(samples); // the common case: no work, no promise
      return;
    }
    const epoch = this.epoch;
    this.pending++;
    this.chain = this.chain.then(async () => {
      if (epoch !== this.epoch || this.destroyed) return;
      if (fromRate === this.targetRate) {
        this.resampler?.destroy();
        this.resampler = undefined;
        deliver(samples);
        return;
      }
      if (!this.resampler || this.resampler.fromRate !== fromRate) {
        this.resampler?.destroy();
        this.resampler = undefined;
        const created = await Resampler.create(fromRate, this.targetRate);
        if (this.destroyed) {
          created.destroy();
          return;
        }
        this.resampler = created;
      }
      if (epoch !== this.epoch) return;
      const out = this.resampler.process(samples);
      if (out.length > 0) deliver(out);
    }).catch(() => undefined).finally(() => {
      this.pending--;
    });
  }

  reset(): void {
    this.epoch++;
    this.resampler?.reset();
  }

  destroy(): void {
    this.destroyed = true;
    this.epoch++;
    this.resampler?.destroy();
    this.resampler = undefined;
  }
}
