/**
 * The latency suite's density figures: sessions per process for the offline
 * graph and for the fake-cloud graph, and memory per (offline) session. See
 * capacity.ts for what a passing step means and bench/README.md for the
 * figures. `LATENCY_ONLY=capacity npm run bench:latency` runs just this part
 * (results in bench/results/latency-capacity.json).
 */
import { readFileSync } from 'node:fs';
import { closeSharedServices, readWav } from '#engine';
import { median, writeResults } from '../../lib/results.ts';
import { type BenchRig, withBenchRig } from './benchRig.ts';
import { type CapacitySearch, findCapacity } from './capacity.ts';
import { offlineGraph } from './graphs.ts';
import { measureWorkerCapacity } from './workerCapacity.ts';

const wav = (name: string) =>
  readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;

export async function measureCapacity(
  rig: BenchRig,
  log: (line: string) => void,
  { offline: withOffline = true } = {},
): Promise<Record<string, number>> {
  return {
    ...(withOffline ? await measureOfflineCapacity(rig, log) : {}),
    ...(await measureFakeCloudCapacity(rig, log)),
  };
}

/**
 * One worker process against two, in alternating rounds (`CAPACITY_ROUNDS`, default 3).
 * One ramp's figure moves by a step or two with what else the machine does in its minute
 * (120 and 176 sessions for one process in two runs of the same tree), so each figure is
 * the median of its rounds and the ratio is the ratio of the medians; every round's pair
 * is logged and its lowest and highest ratio reported. A third ramp per round confines
 * one process to one core (`taskset`): what a worker per core is weighed against where a
 * machine has more cores than one process keeps busy.
 */
async function measureFakeCloudCapacity(
  rig: BenchRig,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const rounds = Math.max(1, Number(process.env.CAPACITY_ROUNDS ?? 3));
  const single: CapacitySearch[] = [];
  const oneCore: CapacitySearch[] = [];
  const cluster: CapacitySearch[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(
      `  sessions, fake cloud (Silero VAD + stt.deepgram + llm.openai + tts.openai on fakes in another process), one worker process, round ${round}/${rounds}`,
    );
    single.push(await measureWorkerCapacity(rig, 1, log));
    log(
      `  sessions, fake cloud, one worker process confined to one core, round ${round}/${rounds}`,
    );
    oneCore.push(await measureWorkerCapacity(rig, 1, log, { pinTo: '0' }));
    log(
      `  sessions, fake cloud, two worker processes (a step passes if both shares do), round ${round}/${rounds}`,
    );
    cluster.push(await measureWorkerCapacity(rig, 2, log));
    log(
      `  round ${round}: one process ${single.at(-1)?.sessions}, on one core ${oneCore.at(-1)?.sessions}, two workers ${cluster.at(-1)?.sessions}`,
    );
  }
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  const sessionsFakeCloud = median(single.map((s) => s.sessions));
  const sessionsFakeCloudCluster = median(cluster.map((s) => s.sessions));
  const sessionsFakeCloudOneCore = median(oneCore.map((s) => s.sessions));
  const roundRatios = single.map((s, i) => ratio(cluster[i].sessions, s.sessions));
  // Per-session figures from the round whose one-process figure is the median's.
  const typical = single.reduce((a, b) =>
    Math.abs(b.sessions - sessionsFakeCloud) < Math.abs(a.sessions - sessionsFakeCloud) ? b : a,
  );
  return {
    sessionsFakeCloud,
    memPerSessionFakeCloudMb: typical.largest.memPerSessionMb,
    cpuMsPerSessionSecFakeCloud: typical.largest.cpuMsPerSessionSec,
    sessionsFakeCloudCluster,
    clusterOverSingle: ratio(sessionsFakeCloudCluster, sessionsFakeCloud),
    clusterOverSingleMin: Math.min(...roundRatios),
    clusterOverSingleMax: Math.max(...roundRatios),
    // What a worker per core buys where one process cannot spread over idle cores.
    sessionsFakeCloudOneCore,
    clusterOverOneCore: ratio(sessionsFakeCloudCluster, sessionsFakeCloudOneCore),
    capacityRounds: rounds,
  };
}

async function measureOfflineCapacity(
  { mic, weatherUrl }: BenchRig,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  log('  sessions, offline graph');
  const offline = await findCapacity(mic, {
    graph: () => offlineGraph(weatherUrl),
    utterances: ['thank-you.wav', 'tell-me-a-joke.wav', 'weather-tokyo.wav'].map(wav),
    windowMs: 5000,
    warmupMs: 3500,
    start: 2,
    max: 64,
    budgetMs: 75_000,
    log,
  });
  figures.sessionsOffline = offline.sessions;
  // Memory does not depend on keeping time, and is most precise over the most sessions, passing or not.
  figures.memPerSessionMb = offline.largest.memPerSessionMb;
  await closeSharedServices(); // idle decoders would count as the cloud sessions' memory and CPU
  return figures;
}

/** Only the density figures, with the same fakes as the full suite. */
export async function runCapacityOnly(
  log: (line: string) => void,
): Promise<Record<string, number>> {
  return withBenchRig(async (rig) => {
    const figures = await measureCapacity(rig, log);
    writeResults('latency-capacity', figures);
    return figures;
  });
}

/** Only one process against two on the fake cloud (`LATENCY_ONLY=cluster`, ~5 min). */
export async function runClusterCapacityOnly(
  log: (line: string) => void,
): Promise<Record<string, number>> {
  return withBenchRig(async (rig) => {
    const figures = await measureCapacity(rig, log, { offline: false });
    writeResults('latency-cluster', figures);
    return figures;
  });
}
