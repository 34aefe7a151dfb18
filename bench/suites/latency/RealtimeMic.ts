/**
 * Plays audio into many sessions at once in real time, like a server
 * receiving microphone streams: one drift-corrected 20 ms tick pushes each
 * session's next chunk (silence when it has nothing to say). A chunk is pushed
 * when it has been fully "captured", i.e. at the end of the 20 ms it covers.
 */
import { dbfs, type GraphRunner } from '#engine';
import { ChunkTicker } from '../../lib/ChunkTicker.ts';

export const MIC_RATE = 16_000;
const CHUNK_MS = 20;
const CHUNK = (MIC_RATE * CHUNK_MS) / 1000;

interface Utterance {
  samples: Int16Array;
  offset: number;
  /** Index of the first voiced sample: its real-world time is the user's speech onset. */
  onsetSample: number;
  onsetAt?: number;
  done: (result: { onsetAt: number; endAt: number }) => void;
}

class MicStream {
  private queue: Utterance[] = [];
  constructor(readonly runner: GraphRunner) {}

  say(samples: Int16Array): Promise<{ onsetAt: number; endAt: number }> {
    return new Promise((done) =>
      this.queue.push({ samples, offset: 0, onsetSample: firstVoicedSample(samples), done }),
    );
  }

  /** Pushes the chunk that ended at `now`. */
  tick(now: number): void {
    const u = this.queue[0];
    if (!u) {
      this.runner.push(
        this.runner.createFrame('audio.in', { audio: SILENCE, sampleRate: MIC_RATE }),
      );
      return;
    }
    const audio = u.samples.subarray(u.offset, u.offset + CHUNK);
    const chunk = audio.length === CHUNK ? audio : padded(audio);
    if (u.onsetAt === undefined && u.onsetSample < u.offset + CHUNK) {
      u.onsetAt = now - ((u.offset + CHUNK - u.onsetSample) / MIC_RATE) * 1000;
    }
    u.offset += CHUNK;
    this.runner.push(this.runner.createFrame('audio.in', { audio: chunk, sampleRate: MIC_RATE }));
    if (u.offset >= u.samples.length) {
      this.queue.shift();
      u.done({ onsetAt: u.onsetAt ?? now, endAt: now });
    }
  }
}

const SILENCE = new Int16Array(CHUNK);

function padded(audio: Int16Array): Int16Array {
  const out = new Int16Array(CHUNK);
  out.set(audio);
  return out;
}

/** First 10 ms window louder than -35 dBFS (the fixtures start with digital silence). */
export function firstVoicedSample(samples: Int16Array): number {
  for (let i = 0; i + 160 <= samples.length; i += 160)
    if (dbfs(samples.subarray(i, i + 160)) > -35) return i;
  return 0;
}

export class RealtimeMic {
  private readonly ticker = new ChunkTicker<MicStream>(CHUNK_MS);

  /** Ticks that fired more than one chunk late (the event loop was blocked). */
  get lateTicks(): number {
    return this.ticker.lateTicks;
  }

  attach(runner: GraphRunner): MicStream {
    const stream = new MicStream(runner);
    this.ticker.members.add(stream);
    return stream;
  }

  detach(stream: MicStream): void {
    this.ticker.members.delete(stream);
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }
}

export type { MicStream };
