/**
 * Concurrent sessions in real time on the fake cloud graph (`fakeCloudGraph`: Silero +
 * stt.deepgram + llm.openai + tts.openai on the fakes), per transport, judged at the client
 * (talkLoad.ts). N steps up 5, 10, 20, 30, 40, 50 until a step fails; a failing step runs once
 * more and counts as failed only if both fail (a neighbour's burst spoils one window, a real
 * overload fails both). Each step also measures the server's CPU per session-second, the
 * clients process's and the fake cloud's CPU, and everyone else's on the machine.
 */
import { machineBusyMs, processCpuMs } from '../latency/processMeasures.ts';
import { type BenchServer, sessionsGone } from './benchServer.ts';
import { cpuMs, round } from './echoCost.ts';
import type { TransportClients } from './TransportClients.ts';
import type { Transport } from './voiceClients.ts';

const STEPS = [5, 10, 20, 30, 40, 50];
const WARMUP_MS = 4000;
const WINDOW_MS = 6000;
const LATE_P99_LIMIT_MS = 20;
const MAX_UNDERRUN_SHARE = 1 / 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Step {
  n: number;
  pass: boolean;
  cpuMsPerSessionSec: number;
}

async function step(
  clients: TransportClients,
  bench: BenchServer,
  cloudPid: number | undefined,
  transport: Transport,
  n: number,
  log: (line: string) => void,
): Promise<Step> {
  const opened = await clients.request(
    { kind: 'open', transport, baseUrl: bench.url, graph: 'cloud', n },
    'opened',
  );
  const talked = clients.request(
    { kind: 'talk', warmupMs: WARMUP_MS, windowMs: WINDOW_MS },
    'talked',
  );
  await sleep(WARMUP_MS);
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const busy0 = machineBusyMs();
  const child0 = processCpuMs(clients.pid);
  const cloud0 = processCpuMs(cloudPid);
  await sleep(WINDOW_MS);
  const ms = performance.now() - t0;
  const serverMs = cpuMs() - cpu0;
  const childMs = processCpuMs(clients.pid) - child0;
  const cloudMs = processCpuMs(cloudPid) - cloud0;
  const othersMs = Math.max(0, machineBusyMs() - busy0 - serverMs - childMs - cloudMs);
  const r = await talked;
  await clients.request({ kind: 'close' }, 'closed');
  await sessionsGone(bench.server, log);
  const sessions = opened.connect.length;
  const errors = r.errors.length + opened.failures.length;
  const failed = [
    ...(r.chunks === 0 || r.lateP99Ms > LATE_P99_LIMIT_MS ? ['late'] : []),
    ...(r.underruns > r.chunks * MAX_UNDERRUN_SHARE ? ['gaps'] : []),
    ...(r.unanswered > 0 || r.answered === 0 ? ['unanswered'] : []),
    ...(errors > 0 ? ['errors'] : []),
  ];
  const cpuMsPerSessionSec = serverMs / sessions / (ms / 1000);
  const pct = (v: number) => `${round((v / ms) * 100)} %`;
  log(
    `    ${transport.padEnd(6)} ×${String(n).padStart(2)}: ${failed.length ? `FAIL (${failed.join(', ')})` : 'pass'}` +
      ` late p99 ${round(r.lateP99Ms)} ms, gaps > 40 ms ${r.underruns}/${r.chunks}, answered ${r.answered} (p50 ${round(r.answerP50Ms)} ms), unanswered ${r.unanswered}, errors ${errors}` +
      `${errors ? ` (${[...opened.failures, ...r.errors].slice(0, 2).join('; ')})` : ''};` +
      ` server ${round(cpuMsPerSessionSec, 2)} ms CPU per session-second (${pct(serverMs)} of a core), clients ${pct(childMs)} (late mic ticks ${r.lateTicks}), fake cloud ${pct(cloudMs)}, others ${pct(othersMs)}`,
  );
  return { n, pass: failed.length === 0, cpuMsPerSessionSec };
}

/** Both transports' CPU is compared at this step (both always run it). */
export const CPU_AT_SESSIONS = 20;

/** The most sessions that passed, and the server's CPU per session-second at CPU_AT_SESSIONS. */
export async function measureCascadeCapacity(
  clients: TransportClients,
  bench: BenchServer,
  cloudPid: number | undefined,
  transport: Transport,
  log: (line: string) => void,
): Promise<{ sessions: number; cpuMsPerSessionSec: number }> {
  let sessions = 0;
  let cpuMsPerSessionSec = NaN;
  for (const n of STEPS) {
    let s = await step(clients, bench, cloudPid, transport, n, log);
    if (!s.pass) s = await step(clients, bench, cloudPid, transport, n, log);
    if (n === CPU_AT_SESSIONS) cpuMsPerSessionSec = round(s.cpuMsPerSessionSec, 2);
    if (!s.pass && n >= CPU_AT_SESSIONS) break;
    if (s.pass) sessions = n;
  }
  return { sessions, cpuMsPerSessionSec };
}
