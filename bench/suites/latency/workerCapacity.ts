/**
 * The fake-cloud capacity of N worker processes (`sessionsFakeCloud` with N = 1,
 * `sessionsFakeCloudCluster` with N = 2): each worker runs its share of a step exactly as
 * a one-process step runs (capacityWorkerProcess.ts: its own microphone clock, Silero
 * worker and judging), and the step passes only if every share passes. Sessions are split
 * evenly, as the cluster's dispatch places them (its spread is tested, ±20 %).
 *
 * One process is measured in a forked worker too, not in the bench's own process, so that
 * both figures come from the same harness: the bench process carries the rig and earlier
 * suites' heap, and one run measured it holding 64 sessions where a fresh worker held 64
 * each beside another.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRig } from './benchRig.ts';
import { type CapacitySearch, type StepResult, searchCapacity } from './capacity.ts';

export async function measureWorkerCapacity(
  { cloud }: BenchRig,
  count: number,
  log: (line: string) => void,
  { pinTo }: { pinTo?: string } = {},
): Promise<CapacitySearch> {
  const workers = Array.from({ length: count }, () => startWorker(cloud, pinTo));
  try {
    await Promise.all(workers.map((w) => w.ask({ warm: true }, 'warmed')));
    return await searchCapacity(
      async (n) => {
        const shares = workers.map((_, i) => Math.floor(n / count) + (i < n % count ? 1 : 0));
        const results = await Promise.all(
          workers.map((w, i) => w.ask({ run: shares[i] }, 'result') as Promise<StepResult>),
        );
        return combine(n, results);
      },
      { start: 8 * count, max: 256 * count, budgetMs: 120_000 + 30_000 * (count - 1), log },
    );
  } finally {
    for (const w of workers) w.child.disconnect();
  }
}

interface CapacityWorker {
  child: ChildProcess;
  ask(message: object, answer: 'warmed' | 'result'): Promise<unknown>;
}

/** `pinTo`: a CPU list (`taskset` syntax) the worker and every thread it starts are confined to. */
function startWorker(cloud: BenchRig['cloud'], pinTo?: string): CapacityWorker {
  const script = fileURLToPath(new URL('./capacityWorkerProcess.ts', import.meta.url));
  const child = fork(script, [JSON.stringify({ urls: cloud.urls, cloudPid: cloud.child.pid })], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Before its warm-up: the threads it starts later (Silero, GC helpers) inherit the affinity.
  if (pinTo && child.pid) execFileSync('taskset', ['-a', '-p', '-c', pinTo, String(child.pid)]);
  return {
    child,
    ask: (message, answer) =>
      new Promise((resolve, reject) => {
        const onMessage = (reply: Record<string, unknown>) => {
          if (!(answer in reply) && !('error' in reply)) return;
          child.off('message', onMessage);
          if ('error' in reply) reject(new Error(`capacity worker: ${reply.error}`));
          else resolve(reply[answer]);
        };
        child.on('message', onMessage);
        child.send(message);
      }),
  };
}

/** One step's result from its shares: it passes if every share passes; tails are the worst share's. */
function combine(n: number, shares: StepResult[]): StepResult {
  const sum = (pick: (r: StepResult) => number) => shares.reduce((a, r) => a + pick(r), 0);
  const max = (pick: (r: StepResult) => number) => Math.max(...shares.map(pick));
  const weighted = (pick: (r: StepResult) => number) =>
    n > 0 ? Math.round((sum((r) => pick(r) * r.sessions) / n) * 10) / 10 : 0;
  // CPU % of one core each worker used: to the other worker it is "others", which it is not here.
  const ownPct = shares.map((r) => (r.cpuMsPerSessionSec * r.sessions) / 10);
  const totalOwn = ownPct.reduce((a, b) => a + b, 0);
  return {
    sessions: n,
    pass: shares.every((r) => r.pass),
    failed: [...new Set(shares.flatMap((r) => r.failed))],
    lateP99Ms: max((r) => r.lateP99Ms),
    underruns: sum((r) => r.underruns),
    chunks: sum((r) => r.chunks),
    starved: sum((r) => r.starved),
    underrunsAt: shares.flatMap((r) => r.underrunsAt),
    inputLagP99Ms: max((r) => r.inputLagP99Ms),
    unanswered: sum((r) => r.unanswered),
    errors: sum((r) => r.errors),
    answerP50Ms: max((r) => r.answerP50Ms),
    loopDelayP99Ms: max((r) => r.loopDelayP99Ms),
    memPerSessionMb: weighted((r) => r.memPerSessionMb),
    cpuMsPerSessionSec: weighted((r) => r.cpuMsPerSessionSec),
    decoderCpuMsPerSessionSec: 0,
    cloudCpuPct: max((r) => r.cloudCpuPct),
    othersCpuPct: Math.max(
      0,
      Math.round(Math.min(...shares.map((r, i) => r.othersCpuPct - (totalOwn - ownPct[i])))),
    ),
  };
}
