/**
 * One Silero VAD model for the whole process, run in a worker thread on
 * batches of windows from every session.
 *
 * Per session and in process, inference cost ~0.23 ms of the event loop per
 * 32 ms window, mostly per-call overhead: with 16 sessions it was a quarter of
 * the loop that also paces everyone's audio. Batched, a window costs ~0.06 ms
 * (B = 16…64), and in a worker none of it is on the event loop. Batching is
 * natural: windows that arrive while a batch runs go together in the next
 * one, so a lone session waits for nobody.
 *
 * Each stream keeps its own recurrent state and sends it along; the worker is
 * stateless, so a crashed worker is simply restarted on the next window.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../services/workerEntry.ts';
import { sharedService } from '../sharedServices.ts';
import { defaultSileroModelPath } from './SileroVadModel.ts';
import { SILERO_INPUT_SAMPLES, SILERO_STATE_SIZE, SileroVadStream } from './SileroVadStream.ts';
import type {
  SileroBatchRequest,
  SileroWorkerData,
  SileroWorkerMessage,
} from './sileroWorkerProtocol.ts';

/** Bounds one batch's time on the worker (~4 ms at 64) so early windows are not held behind a huge one. */
const MAX_BATCH = 64;
const HALF_STATE = SILERO_STATE_SIZE / 2;

export interface SileroInference {
  probability: number;
  state: Float32Array;
}

interface Job {
  input: Float32Array;
  state: Float32Array;
  resolve(result: SileroInference): void;
  reject(error: Error): void;
}

export class SharedSileroVad {
  private worker: Worker | undefined;
  private loaded: Promise<void> | undefined;
  private isLoaded = false;
  /** A model that cannot be loaded is not retried: every window would restart the worker in vain. */
  private loadError: Error | undefined;
  private pending: Job[] = [];
  private inFlight: { id: number; jobs: Job[] } | undefined;
  private dispatchScheduled = false;
  private nextId = 1;
  private closed = false;

  constructor(private readonly modelPath = defaultSileroModelPath()) {}

  /** Starts the worker if needed; resolves once the model is loaded, rejects if it cannot be. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('SharedSileroVad: closed'));
    this.loaded ??= this.startWorker();
    return this.loaded;
  }

  openStream(): SileroVadStream {
    return new SileroVadStream(this);
  }

  /** One window of one stream: input = 64 samples of context + 512 new, state = the stream's [2, 1, 128]. */
  infer(input: Float32Array, state: Float32Array): Promise<SileroInference> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, state, resolve, reject });
      this.scheduleDispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('SharedSileroVad: closed'));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private startWorker(): Promise<void> {
    const { source, eval: isEval } = workerEntry(import.meta.url, 'sileroWorker');
    const worker = new Worker(source, {
      eval: isEval,
      workerData: { modelPath: this.modelPath } satisfies SileroWorkerData,
    });
    this.worker = worker;
    this.isLoaded = false;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: SileroWorkerMessage) => {
        if (message.kind === 'ready') {
          this.isLoaded = true;
          this.refWhileBusy();
          resolve();
          this.scheduleDispatch();
        } else if (message.kind === 'loadFailed') {
          this.loadError = new Error(`Silero VAD model failed to load: ${message.error}`);
          reject(this.loadError);
        } else {
          this.onBatchDone(message);
        }
      });
      const died = (why: string) => {
        if (this.worker !== worker) return;
        const error = new Error(`Silero VAD worker ${why}`);
        this.worker = undefined;
        if (!this.loadError) this.loaded = undefined; // the next window starts a new one
        reject(error);
        this.failAll(this.loadError ?? error);
      };
      worker.on('error', (error: Error) => died(`failed: ${error.message}`));
      worker.on('exit', (code) => died(`exited (code ${code})`));
    });
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.inFlight || this.pending.length === 0) return;
    this.dispatchScheduled = true;
    // After this turn of the event loop: windows that arrive together go together.
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.inFlight || this.pending.length === 0) return;
    if (this.loadError) {
      this.failAll(this.loadError);
      return;
    }
    if (!this.isLoaded || !this.worker) {
      this.ready().catch(() => {}); // its failure fails the pending jobs
      return;
    }
    const jobs = this.pending.splice(0, MAX_BATCH);
    const size = jobs.length;
    const input = new Float32Array(size * SILERO_INPUT_SAMPLES);
    const state = new Float32Array(size * SILERO_STATE_SIZE);
    jobs.forEach((job, b) => {
      input.set(job.input, b * SILERO_INPUT_SAMPLES);
      // [2, 1, 128] per stream into [2, size, 128]: both halves go to row b of their plane.
      state.set(job.state.subarray(0, HALF_STATE), b * HALF_STATE);
      state.set(job.state.subarray(HALF_STATE), (size + b) * HALF_STATE);
    });
    const request: SileroBatchRequest = { id: this.nextId++, size, input, state };
    this.inFlight = { id: request.id, jobs };
    this.refWhileBusy();
    this.worker.postMessage(request, [input.buffer, state.buffer]);
  }

  private onBatchDone(
    message: Extract<SileroWorkerMessage, { kind: 'batch' | 'batchFailed' }>,
  ): void {
    const batch = this.inFlight;
    if (!batch || batch.id !== message.id) return;
    this.inFlight = undefined;
    if (message.kind === 'batchFailed') {
      const error = new Error(`Silero VAD inference failed: ${message.error}`);
      for (const job of batch.jobs) job.reject(error);
    } else {
      const size = batch.jobs.length;
      batch.jobs.forEach((job, b) => {
        const state = new Float32Array(SILERO_STATE_SIZE);
        state.set(message.state.subarray(b * HALF_STATE, (b + 1) * HALF_STATE), 0);
        state.set(
          message.state.subarray((size + b) * HALF_STATE, (size + b + 1) * HALF_STATE),
          HALF_STATE,
        );
        job.resolve({ probability: message.probabilities[b], state });
      });
    }
    // What arrived meanwhile is the next batch, at once.
    this.dispatch();
    this.refWhileBusy();
  }

  /** An idle worker must not keep the process alive; one with work in hand must. */
  private refWhileBusy(): void {
    if (!this.worker) return;
    if (this.inFlight || this.pending.length > 0 || !this.isLoaded) this.worker.ref();
    else this.worker.unref();
  }

  private failAll(error: Error): void {
    const jobs = [...(this.inFlight?.jobs ?? []), ...this.pending];
    this.inFlight = undefined;
    this.pending = [];
    for (const job of jobs) job.reject(error);
  }
}

/** The process's shared instance; `closeSharedServices()` stops its worker. */
export function sharedSileroVad(): SharedSileroVad {
  return sharedService('silero-vad', () => new SharedSileroVad());
}
