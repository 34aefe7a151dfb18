/**
 * Streaming sample-rate conversion for PCM s16 mono, backed by libsamplerate
 * (WebAssembly build). One Resampler per stream: the sinc filter keeps its
 * history between calls, so chunk boundaries are seamless.
 */
import { createRequire } from 'node:module';
import type { ConverterTypeValue } from '@alexanderolsen/libsamplerate-js/dist/converter-type.js';
import type { SRC } from '@alexanderolsen/libsamplerate-js/dist/src.js';

// The package is CommonJS whose named exports Node's ESM loader cannot detect.
const require = createRequire(import.meta.url);
const libsamplerate = require('@alexanderolsen/libsamplerate-js') as {
  create(
    channels: number,
    fromRate: number,
    toRate: number,
    options?: { converterType: ConverterTypeValue },
  ): Promise<SRC>;
};

export type ResamplerQuality = 'best' | 'medium' | 'fastest' | 'linear';

const CONVERTER: Record<ResamplerQuality, ConverterTypeValue> = {
  best: 0,
  medium: 1,
  fastest: 2, // still a windowed sinc (~97 dB SNR): plenty for speech at low CPU
  linear: 4,
};

export interface ResamplerOptions {
  /** Default 'fastest'. */
  quality?: ResamplerQuality;
}

// The wrapper copies through a fixed 1,008,000-float buffer; larger calls take a
// slower path that allocates, so input is fed in pieces well below it.
const MAX_INPUT_PER_CALL = 32768;

export class Resampler {
  private inputTotal = 0;
  private outputTotal = 0;

  private constructor(
    readonly fromRate: number,
    readonly toRate: number,
    private src: SRC | null,
  ) {}

  /**
   * Async only because the library's factory is; the WebAssembly instance is
   * built synchronously inside it (~10 ms, ~4 MB each). Equal rates need none.
   */
  static async create(
    fromRate: number,
    toRate: number,
    options: ResamplerOptions = {},
  ): Promise<Resampler> {
    for (const rate of [fromRate, toRate]) {
      if (!Number.isInteger(rate) || rate < 1 || rate > 192000) {
        throw new RangeError(`sample rate must be an integer in 1…192000, got ${rate}`);
      }
    }
    if (fromRate === toRate) return new Resampler(fromRate, toRate, null);
    const src = await libsamplerate.create(1, fromRate, toRate, {
      converterType: CONVERTER[options.quality ?? 'fastest'],
    });
    return new Resampler(fromRate, toRate, src);
  }

  get ratio(): number {
    return this.toRate / this.fromRate;
  }

  /**
   * Converts the next chunk of the stream. The filter holds back a few
   * milliseconds of audio (its delay), which `flush()` releases at the end.
   */
  process(chunk: Int16Array): Int16Array {
    if (!this.src) return chunk; // equal rates: pass-through without a copy
    this.inputTotal += chunk.length;
    const pieces: Float32Array[] = [];
    for (let offset = 0; offset < chunk.length; offset += MAX_INPUT_PER_CALL) {
      const part = chunk.subarray(offset, Math.min(chunk.length, offset + MAX_INPUT_PER_CALL));
      pieces.push(this.src.full(toFloat(part)));
    }
    return this.emit(pieces);
  }

  /**
   * Ends the stream: returns the delayed tail so that the total output length is
   * round(input × ratio), then resets for a new stream.
   */
  flush(): Int16Array {
    if (!this.src) return new Int16Array(0);
    const expected = Math.round(this.inputTotal * this.ratio);
    const pieces: Float32Array[] = [];
    let produced = this.outputTotal;
    // The JS wrapper has no end-of-input flag, so silence pushes the tail out.
    const silence = new Float32Array(256);
    for (let guard = 0; produced < expected && guard < 1000; guard++) {
      const out = this.src.full(silence);
      pieces.push(out);
      produced += out.length;
    }
    const before = this.outputTotal;
    const tail = this.emit(pieces).subarray(0, Math.max(0, expected - before));
    this.reset();
    return tail;
  }

  /** Drops filter history, e.g. after an interruption, so old audio cannot leak into new. */
  reset(): void {
    this.inputTotal = 0;
    this.outputTotal = 0;
    // Re-assigning a setting is the wrapper's only way to reach src_reset (it re-inits synchronously).
    if (this.src) this.src.converterType = this.src.converterType;
  }

  /** Frees the WebAssembly converter; the instance is unusable afterwards. */
  destroy(): void {
    if (this.src && !this.src.isDestroyed) this.src.destroy();
    this.src = null;
  }

  private emit(pieces: Float32Array[]): Int16Array {
    const out = new Int16Array(countLength(pieces));
    let offset = 0;
    for (const piece of pieces) {
      for (let i = 0; i < piece.length; i++) {
        // Sinc ringing can overshoot full scale slightly; clip instead of wrapping.
        const s = Math.round(piece[i] * 32768);
        out[offset++] = s > 32767 ? 32767 : Math.max(s, -32768);
      }
    }
    this.outputTotal += out.length;
    return out;
  }
}

function toFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

function countLength(pieces: Float32Array[]): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

/** Converts a whole clip at once (output length round(n × to/from)). */
export async function resample(
  samples: Int16Array,
  fromRate: number,
  toRate: number,
  options: ResamplerOptions = {},
): Promise<Int16Array> {
  if (fromRate === toRate) return samples.slice();
  const resampler = await Resampler.create(fromRate, toRate, options);
  try {
    const body = resampler.process(samples);
    const tail = resampler.flush();
    const out = new Int16Array(body.length + tail.length);
    out.set(body, 0);
    out.set(tail, body.length);
    return out;
  } finally {
    resampler.destroy();
  }
}
