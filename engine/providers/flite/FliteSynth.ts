/**
 * Offline text-to-speech with flite (CMU, BSD-style licence; see
 * THIRD_PARTY_NOTICES.md), compiled to WASI and run in-process.
 *
 * A sentence takes 10 ms (diphone voices kal, kal16) to ~100 ms (cluster-unit
 * voices slt, rms, awb) of solid CPU, too long for the event loop that paces
 * everyone's audio, so synthesis runs in a small pool of worker threads. The
 * WebAssembly module is compiled once per process and shared with the workers.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../services/workerEntry.ts';
import { compileFlite } from './compileFlite.ts';
import type { FliteAudio } from './FliteWasm.ts';
import type { FliteRequest, FliteResponse, FliteWorkerData } from './fliteWorkerProtocol.ts';

export type { FliteAudio } from './FliteWasm.ts';

export interface FliteSynthOptions {
  /** Worker threads; syntheses beyond this many wait in a queue. Default 1. */
  workers?: number;
}

export interface FliteSynthesisOptions {
  voice: string;
  /** Speaking rate, 1 = the voice's normal speed. */
  rate?: number;
  /**
   * Aborting drops a queued request; a running one cannot be stopped inside
   * flite, but its result is discarded and the promise rejects at once.
   */
  signal?: AbortSignal;
}

export interface FliteSynthesisResult extends FliteAudio {
  /** CPU time inside flite, excluding queueing and thread hops. */
  synthMs: number;
}

/** A request before it is given an id (Omit distributed over the union). */
type Payload = FliteRequest extends infer R
  ? R extends FliteRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface Job {
  payload: Payload;
  resolve(response: FliteResponse & { ok: true }): void;
  reject(error: Error): void;
}

interface PoolWorker {
  /** Unset while the worker is being started. */
  worker?: Worker;
  busy: Job | null;
  /**
   * The worker has its next flite instance built. Requests go only to ready
   * workers: one sent earlier would just wait behind the ~50 ms instantiation
   * while another worker might already be free.
   */
  ready: boolean;
}

let compiled: Promise<WebAssembly.Module> | null = null;

export class FliteSynth {
  private readonly size: number;
  private readonly pool: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private voiceList: Promise<string[]> | null = null;

  constructor(options: FliteSynthOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? 1));
  }

  async synthesize(text: string, options: FliteSynthesisOptions): Promise<FliteSynthesisResult> {
    const voices = await this.voices();
    if (!voices.includes(options.voice)) {
      throw new Error(`flite: unknown voice "${options.voice}" (available: ${voices.join(', ')})`);
    }
    const response = await this.submit(
      { kind: 'synthesize', text, voice: options.voice, rate: options.rate ?? 1 },
      options.signal,
    );
    if (response.kind !== 'synthesize') throw new Error(`flite: unexpected ${response.kind} reply`);
    return {
      samples: response.samples,
      sampleRate: response.sampleRate,
      synthMs: response.synthMs,
    };
  }

  /** Voices compiled into the flite build (kal and kal16 diphone; awb, rms, slt cluster-unit). */
  voices(): Promise<string[]> {
    this.voiceList ??= this.submit({ kind: 'voices' }).then((response) => {
      if (response.kind !== 'voices') throw new Error(`flite: unexpected ${response.kind} reply`);
      return response.voices;
    });
    // A failed lookup should not be cached forever.
    this.voiceList.catch(() => (this.voiceList = null));
    return this.voiceList;
  }

  /** Rejects queued requests, waits for running ones, and stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('flite: synthesizer closed'));
    await Promise.all(
      this.pool.map(async ({ worker }) => {
        if (!worker) return;
        // A polite close lets a synthesis in progress finish; terminate only if it hangs.
        const done = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ id: 0, kind: 'close' } satisfies FliteRequest);
        const timeout = setTimeout(() => void worker.terminate(), 2000);
        await done;
        clearTimeout(timeout);
      }),
    );
    this.pool.length = 0;
  }

  private submit(payload: Payload, signal?: AbortSignal): Promise<FliteResponse & { ok: true }> {
    if (this.closed) return Promise.reject(new Error('flite: synthesizer closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const job: Job = { payload, resolve, reject };
      if (signal) {
        const onAbort = (): void => {
          const queued = this.queue.indexOf(job);
          if (queued >= 0) this.queue.splice(queued, 1);
          this.updateRefs();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = (): void => signal.removeEventListener('abort', onAbort);
        job.resolve = (r) => (settle(), resolve(r));
        job.reject = (e) => (settle(), reject(e));
      }
      this.queue.push(job);
      // Start-up failures are delivered to the queued jobs by spawn() itself.
      this.dispatch().catch(() => undefined);
    });
  }

  private async dispatch(): Promise<void> {
    this.updateRefs();
    while (this.queue.length > 0) {
      const member = this.pool.find((m) => m.worker && m.ready && !m.busy);
      if (!member) {
        // Start another worker only if every existing one is occupied or still starting up.
        if (this.pool.length < this.size && this.pool.every((m) => m.busy || !m.worker))
          await this.spawn();
        return; // the new or next-freed worker's 'ready' message dispatches again
      }
      const worker = member.worker!;
      const job = this.queue.shift()!;
      member.busy = job;
      member.ready = false;
      this.updateRefs();
      worker.postMessage({ id: this.nextId++, ...job.payload } as FliteRequest);
    }
  }

  /**
   * Idle workers must not keep the process alive, but pending work must: a
   * request waiting for a worker to start would otherwise let Node exit.
   */
  private updateRefs(): void {
    const waiting = this.queue.length > 0;
    for (const { worker, busy } of this.pool) {
      if (!worker) continue;
      if (busy || waiting) worker.ref();
      else worker.unref();
    }
  }

  private async spawn(): Promise<PoolWorker> {
    // Reserve the slot before awaiting so concurrent dispatches do not over-spawn.
    const member: PoolWorker = { busy: null, ready: false };
    this.pool.push(member);
    let worker: Worker;
    try {
      compiled ??= compileFlite();
      const module = await compiled;
      const { source, eval: isEval } = workerEntry(import.meta.url, 'fliteWorker');
      worker = new Worker(source, {
        eval: isEval,
        workerData: { module } satisfies FliteWorkerData,
      });
    } catch (error) {
      compiled = null;
      this.pool.splice(this.pool.indexOf(member), 1);
      for (const job of this.queue.splice(0))
        job.reject(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (this.closed) {
      void worker.terminate();
      throw new Error('flite: synthesizer closed');
    }
    member.worker = worker;
    this.updateRefs();
    worker.on('message', (response: FliteResponse) => {
      if (response.ok && response.kind === 'ready') {
        member.ready = true;
        this.dispatch().catch(() => undefined);
        return;
      }
      const job = member.busy;
      if (!job || (response.ok && response.kind === 'close')) return;
      member.busy = null;
      this.updateRefs();
      if (response.ok) job.resolve(response);
      else job.reject(new Error(response.error));
    });
    const fail = (error: Error): void => {
      // A crashed worker is replaced on the next dispatch; only its own request fails.
      const index = this.pool.indexOf(member);
      if (index >= 0) this.pool.splice(index, 1);
      member.busy?.reject(new Error(`flite worker failed: ${error.message}`));
      member.busy = null;
      if (!this.closed) void this.dispatch().catch(() => undefined);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exited with code ${code}`));
    });
    return member;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('synthesis aborted', 'AbortError');
}
