import { resample } from '../audio/Resampler.ts';
import type { AudioTrack } from './RecordingFormat.ts';

interface Placed {
  /** First sample on the track, at the track's rate. */
  offset: number;
  samples: Int16Array;
  sampleRate: number;
}

/**
 * One mono track on a session's timeline, built from audio chunks as they
 * pass. Chunks that follow each other are laid end to end (network jitter and
 * bursts do not tear the audio apart); a chunk that arrives later than
 * `gapMs` after the previous one ended is placed at its arrival time, so the
 * silence between utterances or replies is kept. The track stops taking audio
 * at `maxMs`: memory per session is bounded.
 */
export class TimelineTrack {
  private readonly placed: Placed[] = [];
  private rate: number | undefined;
  /** Where the next contiguous chunk goes (samples at `rate`). */
  private cursor = 0;
  private truncatedAt: number | undefined;

  constructor(
    private readonly options: { gapMs: number; maxMs: number; defaultSampleRate: number },
  ) {}

  get sampleRate(): number {
    return this.rate ?? this.options.defaultSampleRate;
  }

  /** True once audio past `maxMs` was dropped. */
  get truncated(): boolean {
    return this.truncatedAt !== undefined;
  }

  get durationMs(): number {
    return (this.cursor / this.sampleRate) * 1000;
  }

  /** `atMs`: when the chunk arrived (starts playing), on the timeline. */
  add(samples: Int16Array, sampleRate: number, atMs: number): void {
    if (samples.length === 0 || this.truncated) return;
    this.rate ??= sampleRate;
    const arrival = Math.max(0, Math.round((atMs / 1000) * this.sampleRate));
    const gap = (this.options.gapMs / 1000) * this.sampleRate;
    const offset = arrival > this.cursor + gap ? arrival : this.cursor;
    const length = Math.round((samples.length * this.sampleRate) / sampleRate);
    if (((offset + length) / this.sampleRate) * 1000 > this.options.maxMs) {
      this.truncatedAt = atMs;
      return;
    }
    // A copy: the frame's buffer may be reused by whoever made it.
    this.placed.push({ offset, samples: samples.slice(), sampleRate });
    this.cursor = offset + length;
  }

  /** The track as one buffer, silence where nothing played; chunks at another rate resampled. */
  async render(minDurationMs = 0): Promise<AudioTrack> {
    const rate = this.sampleRate;
    const total = Math.max(this.cursor, Math.round((minDurationMs / 1000) * rate));
    const out = new Int16Array(total);
    for (const p of this.placed) {
      const samples =
        p.sampleRate === rate ? p.samples : await resample(p.samples, p.sampleRate, rate);
      out.set(samples.subarray(0, Math.max(0, total - p.offset)), p.offset);
    }
    return { samples: out, sampleRate: rate };
  }
}
