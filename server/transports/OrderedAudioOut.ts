import { Resampler } from '../../engine/audio/Resampler.ts';

/**
 * Bot audio → one target rate, in order, with callbacks interleaved where
 * they were queued. Like AudioRateConverter, plus `after()`: events that
 * must reach the client after the last sample queued before them (a Twilio
 * `mark`, a Realtime `response.done`) while resampling is asynchronous the
 * first time a source rate is seen. Synchronous whenever nothing waits.
 * `reset()` (barge-in) drops whatever still waits and the filter history.
 */
export class OrderedAudioOut {
  private resampler: Resampler | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private epoch = 0;
  private destroyed = false;

  constructor(readonly rate: number) {}

  audio(samples: Int16Array, fromRate: number, deliver: (samples: Int16Array) => void): void {
    if (this.pending === 0 && (this.resampler?.fromRate === fromRate || (fromRate === this.rate && !this.resampler))) {
      emit(fromRate === this.rate ? samples : this.resampler!.process(samples), deliver);
      return;
    }
    const epoch = this.epoch;
    this.enqueue(async () => {
      if (fromRate === this.rate) {
        emit(samples, deliver);
        return;
      }
      if (this.resampler?.fromRate !== fromRate) {
        this.resampler?.destroy();
        this.resampler = undefined;
        const created = await Resampler.create(fromRate, this.rate);
        if (this.destroyed) {
          created.destroy();
          return;
        }
        this.resampler = created;
      }
      if (epoch !== this.epoch) return; // barge-in while the resampler was being built
      emit(this.resampler.process(samples), deliver);
    });
  }

  /** Runs `run` once everything queued before it has been delivered; a reset drops it with the audio. */
  after(run: () => void): void {
    if (this.pending === 0) run();
    else this.enqueue(run);
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
