import type { RawPipecatSocket } from '../../server/helpers/RawPipecatSocket.ts';

const CHUNK = 320; // 20 ms at 16 kHz

/**
 * A microphone that never stops: 20 ms chunks at real-time pace, silence
 * whenever nothing was queued, the way a browser client streams.
 */
export class Microphone {
  private queue: Int16Array[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(private readonly socket: RawPipecatSocket) {
    this.done = this.run();
  }

  /** Queues speech; resolves when it has all been sent. */
  async say(samples: Int16Array): Promise<void> {
    for (let i = 0; i < samples.length; i += CHUNK) this.queue.push(samples.subarray(i, i + CHUNK));
    while (this.queue.length > 0 && this.running) await sleep(20);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async run(): Promise<void> {
    const t0 = performance.now();
    for (let n = 0; this.running; n++) {
      this.socket.sendAudio(this.queue.shift() ?? new Int16Array(CHUNK));
      await sleep(t0 + (n + 1) * 20 - performance.now());
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
