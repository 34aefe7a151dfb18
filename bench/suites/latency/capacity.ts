/**
 * How many sessions one process holds in real time. N sessions each talk in a
 * loop (say an utterance, wait for the whole answer, pause, again), staggered
 * so their turns do not line up, all fed by one real-time microphone tick.
 * After a warm-up, a window is judged on what a user would notice:
 *
 * - output: each audio chunk of a running answer is due when the client's
 *   buffer falls to maxAheadMs (previous chunk's end − maxAheadMs); lateness =
 *   handed out − due. Later than maxAheadMs is an audible gap (underrun).
 *   Pass: p99 lateness ≤ 20 ms (half the buffer) and at most 1 chunk in 500
 *   an underrun;
 * - input: how long microphone audio waits before the VAD has analysed it
 *   (frame created → VAD forwards it; it forwards each frame only after the
 *   previous one's windows are scored). Pass: p99 ≤ 100 ms, i.e. turn ends
 *   and barge-ins are detected at most ~3 VAD windows late; a process that
 *   cannot keep up with what it hears grows this backlog without bound;
 * - answers: every utterance answered within 5 s (an overloaded decoder or
 *   STT shows up here); no error frames.
 *
 * Event-loop delay, CPU per session, the fake cloud's CPU and the rest of the
 * machine's load are recorded to explain a result, not to judge it: the loop
 * delay is a cause, the lateness above is its effect on the user.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PacedAudioOutput, VadProcessor } from '#engine';
import { BenchSession, type Chunk, sleep } from './BenchSession.ts';
import {
  collectGarbage,
  decoderPids,
  machineBusyMs,
  memory,
  percentile,
  processCpuMs,
} from './processMeasures.ts';
import type { RealtimeMic } from './RealtimeMic.ts';

export interface StepResult {
  sessions: number;
  pass: boolean;
  /** Criteria that failed, e.g. ['late', 'input']. */
  failed: string[];
  lateP99Ms: number;
  underruns: number;
  chunks: number;
  /** Chunks whose audio reached the output only after the client had run dry (a slow producer: TTS, LLM, tool). */
  starved: number;
  /** Each underrun: when it was handed out (performance.now()) and how late, to line up with stalls when profiling. */
  underrunsAt: Array<{ at: number; lateMs: number }>;
  inputLagP99Ms: number;
  unanswered: number;
  errors: number;
  /** End of utterance → first answer audio handed to the client, median (includes the VAD's stop wait). */
  answerP50Ms: number;
  loopDelayP99Ms: number;
  /** This process's RSS growth per session (after a full GC, shared services already warm) + one decoder process's PSS (offline graph), MB. */
  memPerSessionMb: number;
  /** This process's CPU time (all threads) over the window ÷ sessions ÷ window: ms of CPU per second of conversation. */
  cpuMsPerSessionSec: number;
  /** The same for the pocketsphinx decoder processes (offline graph). */
  decoderCpuMsPerSessionSec: number;
  /** The fake cloud's own CPU over the window, % of one core (it must not be the bottleneck). */
  cloudCpuPct: number;
  /** Everything else on the machine (other programs), % of one core: the noise this step ran in. */
  othersCpuPct: number;
}

export interface CapacityOptions {
  graph: () => unknown;
  env?: Record<string, string>;
  utterances: Int16Array[];
  windowMs: number;
  warmupMs: number;
  /** The fake providers' process, whose CPU is reported so it can be ruled out as the bottleneck. */
  cloudPid?: number;
}

const LATE_P99_LIMIT_MS = 20;
const MAX_UNDERRUN_SHARE = 1 / 500;
const INPUT_LAG_LIMIT_MS = 100;
const ANSWER_TIMEOUT_MS = 5000;
const PAUSE_MS = 400;
const STAGGER_MS = 3000;

export async function runStep(
  n: number,
  mic: RealtimeMic,
  options: CapacityOptions,
): Promise<StepResult> {
  collectGarbage();
  const baseline = memory();
  const sessions: BenchSession[] = [];
  let running = true;
  const loops: Array<Promise<void>> = [];
  try {
    // Opened a few at a time: a burst of decoder spawns is a start-up cost, not steady state.
    for (let i = 0; i < n; i += 4) {
      const batch = Array.from({ length: Math.min(4, n - i) }, (_, j) =>
        BenchSession.open(options.graph(), mic, { env: options.env, sessionId: `s${i + j}` }),
      );
      sessions.push(...(await Promise.all(batch)));
    }
    let measuring = false;
    let unanswered = 0;
    /** Utterances that ended inside the window whose answer is still awaited. */
    let awaitedAnswers = 0;
    const answerMs: number[] = [];
    const inputLag: number[] = [];
    /** Per session, per audio chunk handed out (same order as its `chunks`): when its audio reached the output node. */
    const arrivals = new Map<BenchSession, number[]>();
    for (const s of sessions) {
      const vad = s.runner.allProcessors().find((p) => p instanceof VadProcessor);
      const out = s.runner.allProcessors().find((p) => p instanceof PacedAudioOutput);
      const arrivedAt = new Map<number, number>();
      const chunkArrivals: number[] = [];
      arrivals.set(s, chunkArrivals);
      s.runner.observeHops((hop) => {
        if (hop.frame.type === 'audio.out' && hop.direction === 'downstream') {
          // The output cuts a frame into 20 ms pieces that keep its id: all of them arrived with it.
          if (hop.to === out?.id) arrivedAt.set(hop.frame.id, hop.at);
          else if (hop.from === out?.id && hop.to === null)
            chunkArrivals.push(arrivedAt.get(hop.frame.id) ?? hop.at);
        } else if (
          measuring &&
          hop.from === vad?.id &&
          hop.frame.type === 'audio.in' &&
          hop.direction === 'downstream'
        ) {
          inputLag.push(hop.at - hop.frame.at);
        }
      });
    }
    const talk = async (session: BenchSession, index: number) => {
      await sleep((index / n) * STAGGER_MS);
      for (let turn = 0; running; turn++) {
        const said = await session.mic.say(
          options.utterances[(index + turn) % options.utterances.length],
        );
        const judged = measuring;
        if (judged) awaitedAnswers++;
        const first = await session.firstAudioAfter(said.endAt, ANSWER_TIMEOUT_MS);
        if (judged) {
          awaitedAnswers--;
          if (first) answerMs.push(first.handedAt - said.endAt);
          else unanswered++;
        }
        await session.botQuiet(10_000);
        await sleep(PAUSE_MS);
      }
    };
    sessions.forEach((s, i) => loops.push(talk(s, i)));
    await sleep(options.warmupMs);
    const windowStart = performance.now();
    measuring = true;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const cloudBefore = processCpuMs(options.cloudPid);
    const decoders = decoderPids();
    const decodersBefore = decoders.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const machineBefore = machineBusyMs();
    await sleep(options.windowMs);
    const cpu = process.cpuUsage(cpuBefore);
    const cloudCpuMs = processCpuMs(options.cloudPid) - cloudBefore;
    const decoderCpuMs = decoders.reduce((sum, pid) => sum + processCpuMs(pid), 0) - decodersBefore;
    const machineMs = machineBusyMs() - machineBefore;
    loop.disable();
    measuring = false;
    const windowEnd = performance.now();
    const windowMs = windowEnd - windowStart;
    collectGarbage();
    const after = memory();
    // Utterances from the end of the window get their answer (or time out) under the same load.
    const answersDue = performance.now() + ANSWER_TIMEOUT_MS + 500;
    while (awaitedAnswers > 0 && performance.now() < answersDue) await sleep(50);
    running = false;

    const lateness: number[] = [];
    let underruns = 0;
    let starved = 0;
    const underrunsAt: Array<{ at: number; lateMs: number }> = [];
    for (const s of sessions) {
      const chunks = latenessOf(s.chunks, arrivals.get(s)!, s.maxAheadMs, windowStart, windowEnd);
      for (const c of chunks) {
        lateness.push(c.lateMs);
        if (c.lateMs > s.maxAheadMs) {
          underruns++;
          underrunsAt.push({ at: c.at, lateMs: c.lateMs });
        }
        if (c.starvedMs > s.maxAheadMs) starved++;
      }
    }
    const errors = sessions.reduce((sum, s) => sum + s.errors.length, 0);
    for (const s of sessions)
      if (s.errors.length)
        console.log(`    ${s.runner.session.sessionId}: ${s.errors.slice(0, 2).join('; ')}`);
    const ownCpuMs = (cpu.user + cpu.system) / 1000;
    const lateP99Ms = percentile(lateness, 99);
    const inputLagP99Ms = percentile(inputLag, 99);
    const failed = [
      ...(lateness.length === 0 || lateP99Ms > LATE_P99_LIMIT_MS ? ['late'] : []),
      ...(underruns > lateness.length * MAX_UNDERRUN_SHARE ? ['underruns'] : []),
      ...(inputLag.length === 0 || inputLagP99Ms > INPUT_LAG_LIMIT_MS ? ['input'] : []),
      ...(unanswered > 0 ? ['unanswered'] : []),
      ...(errors > 0 ? ['errors'] : []),
    ];
    // Decoders come from a pool that keeps idle ones warm, so their count says little; their size does.
    const decoderMb = after.decoderMb.length > 0 ? percentile(after.decoderMb, 50) : 0;
    return {
      sessions: n,
      pass: failed.length === 0,
      failed,
      lateP99Ms: round(lateP99Ms),
      underruns,
      chunks: lateness.length,
      starved,
      underrunsAt,
      inputLagP99Ms: round(inputLagP99Ms),
      unanswered,
      errors,
      answerP50Ms: round(percentile(answerMs, 50)),
      loopDelayP99Ms: round(loop.percentile(99) / 1e6),
      memPerSessionMb: round(Math.max(0, after.mainMb - baseline.mainMb) / n + decoderMb),
      cpuMsPerSessionSec: round(ownCpuMs / n / (windowMs / 1000)),
      decoderCpuMsPerSessionSec: round(decoderCpuMs / n / (windowMs / 1000)),
      cloudCpuPct: round((cloudCpuMs / windowMs) * 100),
      othersCpuPct: round(
        (Math.max(0, machineMs - ownCpuMs - cloudCpuMs - decoderCpuMs) / windowMs) * 100,
      ),
    };
  } finally {
    running = false;
    for (const s of sessions) s.close();
    void Promise.allSettled(loops); // a loop waiting on a closed session's microphone never returns; nothing to wait for
    await sleep(500); // let decoders go back to the pool / exit
  }
}

export interface CapacitySearch {
  /** The most sessions that passed. */
  sessions: number;
  /** The step with the most sessions that ran (pass or fail): memory figures are most precise there. */
  largest: StepResult;
  steps: StepResult[];
}

/**
 * Doubles the session count from `start` until a step fails or the time
 * budget is spent, then bisects between the last pass and the first failure.
 * A failing step is run once more before it counts as failed: on a shared
 * machine a neighbour's burst can spoil one window, while a real overload
 * fails both.
 */
export async function findCapacity(
  mic: RealtimeMic,
  options: CapacityOptions & SearchOptions,
): Promise<CapacitySearch> {
  await warmSharedServices(mic, options);
  return searchCapacity((n) => runStep(n, mic, options), options);
}

export interface SearchOptions {
  start: number;
  max: number;
  budgetMs: number;
  log: (line: string) => void;
}

/** The search of `findCapacity` over any way of running a step (one process, or several). */
export async function searchCapacity(
  runOne: (n: number) => Promise<StepResult>,
  options: SearchOptions,
): Promise<CapacitySearch> {
  const deadline = performance.now() + options.budgetMs;
  const steps: StepResult[] = [];
  const attempt = async (n: number, retry: boolean) => {
    const r = await runOne(n);
    steps.push(r);
    options.log(
      `    ${n} sessions${retry ? ' (again)' : ''}: ${r.pass ? 'pass' : `FAIL (${r.failed.join(', ')})`} late p99 ${r.lateP99Ms} ms, underruns ${r.underruns}/${r.chunks} (starved by the producer ${r.starved}), input lag p99 ${r.inputLagP99Ms} ms, answer p50 ${r.answerP50Ms} ms, unanswered ${r.unanswered}, errors ${r.errors}; loop p99 ${r.loopDelayP99Ms} ms, CPU ${r.cpuMsPerSessionSec} ms/s per session (+ decoder ${r.decoderCpuMsPerSessionSec}), fake cloud ${r.cloudCpuPct} %, others ${r.othersCpuPct} %, ${r.memPerSessionMb} MB/session`,
    );
    return r;
  };
  const step = async (n: number) => {
    const first = await attempt(n, false);
    return first.pass || performance.now() >= deadline ? first : attempt(n, true);
  };
  let low = 0;
  let high = Infinity;
  for (let n = options.start; n <= options.max && performance.now() < deadline; n *= 2) {
    if ((await step(n)).pass) low = n;
    else {
      high = n;
      break;
    }
  }
  if (!Number.isFinite(high)) high = low;
  while (high - low > Math.max(1, Math.round(low / 8)) && performance.now() < deadline) {
    const mid = Math.round((low + high) / 2);
    if ((await step(mid)).pass) low = mid;
    else high = mid;
  }
  const largest = steps.reduce((a, b) => (b.sessions > a.sessions ? b : a));
  return { sessions: low, largest, steps };
}

/**
 * Starts the process-wide services (VAD worker, synthesis workers, decoder
 * pool) with one session, so that no step's memory baseline misses them and
 * the first step's figure is not their cost divided by a few sessions.
 */
export async function warmSharedServices(
  mic: RealtimeMic,
  options: CapacityOptions,
): Promise<void> {
  const session = await BenchSession.open(options.graph(), mic, {
    env: options.env,
    sessionId: 'warm-up',
  });
  await sleep(1000);
  session.close();
  await sleep(500);
}

/**
 * Each chunk that continues bot speech inside the window: how late the output
 * handed it out (lateMs: handed out − the later of when it was due and when
 * its audio reached the output — the engine's pacing, what load delays) and
 * how late its audio arrived (starvedMs: arrival − due — a producer that did
 * not keep up, e.g. a tool call between sentences).
 */
function latenessOf(
  chunks: Chunk[],
  arrivedAt: number[],
  maxAheadMs: number,
  from: number,
  to: number,
): Array<{ at: number; lateMs: number; starvedMs: number }> {
  const out: Array<{ at: number; lateMs: number; starvedMs: number }> = [];
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1];
    const c = chunks[i];
    if (c.handedAt < from || c.handedAt > to) continue;
    const prevEnd = prev.startsAt + prev.durationMs;
    // A new answer (the previous chunk had finished playing before this one was even due) has no schedule to keep.
    if (c.startsAt > prevEnd + 1 && c.handedAt - prev.handedAt > 1000) continue;
    const due = Math.max(prev.handedAt, prevEnd - maxAheadMs);
    const arrived = arrivedAt[i] ?? c.handedAt;
    out.push({
      at: c.handedAt,
      lateMs: Math.max(0, c.handedAt - Math.max(due, arrived)),
      starvedMs: Math.max(0, arrived - due),
    });
  }
  return out;
}

const round = (v: number) => Math.round(v * 10) / 10;
