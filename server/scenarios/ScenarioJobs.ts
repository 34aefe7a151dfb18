import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '#engine';
import type { RunJob } from '../api/scenarioWire.ts';
import type { PanelRunSpec } from './runScenariosForPanel.ts';
import { ScenarioApiError } from './ScenarioApiError.ts';
import type { WorkerMessage } from './workerMessages.ts';

export interface JobLimits {
  maxRunning: number;
  maxQueued: number;
  timeoutMs: number;
}

interface Job {
  view: RunJob;
  clientId: string;
  spec: PanelRunSpec;
  child?: ChildProcess;
  timer?: NodeJS.Timeout;
}

const WORKER = path.join(import.meta.dirname, 'scenarioWorker.ts');
/** The worker is TypeScript, like the server: it runs under tsx's loader however the server was started. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Finished jobs kept for their clients to read. */
const KEEP_FINISHED = 50;
const STDERR_TAIL = 2000;
/** After the worker exits, how long its last messages may take to arrive. */
const EXIT_GRACE_MS = 1000;

/**
 * Scenario runs for the editor's Tests panel, as jobs: each in a process of
 * its own (scenarioWorker.ts), at most `maxRunning` at once server-wide and
 * `maxQueued` waiting, one active job per client. A job reports each
 * scenario's result as it comes; cancelling kills its process.
 */
export class ScenarioJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly running = new Set<Job>();

  constructor(
    private readonly limits: JobLimits,
    private readonly logger: Logger,
  ) {}

  /** Queues a job. 409 when this client already has one queued or running; 429 when the queue is full. */
  submit(clientId: string, spec: PanelRunSpec, meta: { suite: string; names: string[] }): RunJob {
    const active = [...this.jobs.values()].find(
      (j) => j.clientId === clientId && (j.view.state === 'queued' || j.view.state === 'running'),
    );
    if (active)
      throw new ScenarioApiError(
        409,
        `this client already has a scenario run in progress (${active.view.id}): wait for it or cancel it`,
        { job: active.view.id },
      );
    if (this.queue.length >= this.limits.maxQueued)
      throw new ScenarioApiError(
        429,
        `the server is busy: ${this.running.size} scenario runs in progress and ${this.queue.length} waiting`,
      );
    const job: Job = {
      clientId,
      spec,
      view: {
        id: randomUUID(),
        state: 'queued',
        suite: meta.suite,
        graph: spec.draft.name,
        scenarios: meta.names,
        results: [],
        createdAt: new Date().toISOString(),
      },
    };
    this.jobs.set(job.view.id, job);
    this.queue.push(job);
    this.pump();
    return this.describe(job);
  }

  get(id: string): RunJob {
    return this.describe(this.find(id));
  }

  /** Stops a queued or running job; a finished one is answered as it is. */
  cancel(id: string): RunJob {
    const job = this.find(id);
    if (job.view.state === 'queued') this.queue.splice(this.queue.indexOf(job), 1);
    if (job.view.state === 'queued' || job.view.state === 'running') this.finish(job, 'cancelled');
    return this.describe(job);
  }

  /** Kills every job's process: the server is closing. */
  close(): void {
    for (const job of [...this.queue, ...this.running]) this.finish(job, 'cancelled');
    this.queue.length = 0;
  }

  private find(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new ScenarioApiError(404, `no scenario run "${id}"`);
    return job;
  }

  private describe(job: Job): RunJob {
    const view = structuredClone(job.view);
    if (view.state === 'queued') view.queuePosition = this.queue.indexOf(job);
    return view;
  }

  private pump(): void {
    while (this.running.size < this.limits.maxRunning && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      try {
        this.start(job);
      } catch (error) {
        // e.g. the system is out of processes: this job fails, the server goes on.
        job.view.error = `the scenario process could not be started: ${(error as Error).message}`;
        this.finish(job, 'failed');
      }
    }
  }

  private start(job: Job): void {
    this.running.add(job);
    job.view.state = 'running';
    let stderr = '';
    let finished = false;
    const child = fork(WORKER, [], {
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    job.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('message', (message: WorkerMessage) => {
      if (job.view.state !== 'running') return;
      if (message.type === 'started') job.view.current = message.name;
      else if (message.type === 'result') job.view.results.push(message.result);
      else if (message.type === 'finished') finished = true;
      else if (message.type === 'failed') job.view.error = message.error;
    });
    child.on('error', (error) => {
      job.view.error ??= `the scenario process failed: ${error.message}`;
    });
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (job.view.state !== 'running') return;
      if (finished && !job.view.error) this.finish(job, 'done');
      else {
        job.view.error ??= `the scenario process stopped (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
        this.finish(job, 'failed');
      }
    };
    // 'close' comes after the IPC channel has delivered every message. It also waits for
    // stderr, which a stuck grandchild could hold open: 'exit' settles it a moment later.
    child.on('close', settle);
    child.on('exit', (code, signal) => {
      setTimeout(() => settle(code, signal), EXIT_GRACE_MS).unref();
    });
    job.timer = setTimeout(() => {
      job.view.error = `stopped after ${Math.round(this.limits.timeoutMs / 1000)} s`;
      this.finish(job, 'failed');
    }, this.limits.timeoutMs);
    child.send(job.spec, (error) => {
      if (error) {
        job.view.error = `the scenario process could not be started: ${error.message}`;
        this.finish(job, 'failed');
      }
    });
    this.logger.info(
      { job: job.view.id, suite: job.view.suite, scenarios: job.view.scenarios.length },
      'scenario run started',
    );
  }

  private finish(job: Job, state: 'done' | 'failed' | 'cancelled'): void {
    job.view.state = state;
    job.view.current = undefined;
    job.view.finishedAt = new Date().toISOString();
    clearTimeout(job.timer);
    if (job.child && job.child.exitCode === null && job.child.signalCode === null)
      job.child.kill('SIGKILL');
    job.child = undefined;
    this.running.delete(job);
    this.logger.info({ job: job.view.id, state, error: job.view.error }, 'scenario run finished');
    this.forgetOld();
    this.pump();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.view.finishedAt !== undefined);
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(job.view.id);
  }
}
