import { Resampler } from '../../engine/audio/Resampler.ts';

/**
 * Converts a stream of PCM chunks to one target rate, in order; the source
 * rate may change mid-stream. Building a resampler is async, so while one is
 * being built chunks queue behind it; otherwise conversion is synchronous.
 * `after()` slots events in where they were queued — things that must reach
 * the client after the last sample before them (a Twilio `mark`, a Realtime
 * `response.done`). `reset()` (barge-in) drops whatever still waits and the
 * filter history.
 */
export class AudioRateConverter {
  private resampler: Resampler | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private epoch = 0;
  private destroyed = false;

  constructor(readonly targetRate: number) {}

  /** `deliver` is called in order with converted audio; never after `reset()` for older chunks. */
  convert(samples: Int16Array, fromRate: number, deliver: (samples: Int16Array) => void): void {
    if (this.pending === 0 && (this.resampler?.fromRate === fromRate || (fromRate === this.targetRate && !this.resampler))) {
      emit(fromRate === this.targetRate ? samples : this.resampler!.process(samples), deliver);
      return;
    }
    const epoch = this.epoch;
    this.enqueue(async () => {
      if (fromRate === this.targetRate) {
        emit(samples, deliver);
        return;
      }
      if (this.resampler?.fromRate !== fromRate) {
        this.resampler?.destroy();
        this.resampler = undefined;
        const created = await Resampler.create(fromRate, this.targetRate);
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
