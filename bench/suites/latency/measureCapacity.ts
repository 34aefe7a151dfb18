/**
 * The latency suite's density figures: sessions per process for the offline
 * graph and for the fake-cloud graph, and memory per (offline) session. See
 * capacity.ts for what a passing step means and bench/README.md for the
 * figures. `LATENCY_ONLY=capacity npm run bench:latency` runs just this part
 * (results in bench/results/latency-capacity.json).
 */
import { readFileSync } from 'node:fs';
import { closeSharedServices, readWav } from '#engine';
import { writeResults } from '../../lib/results.ts';
import { type BenchRig, withBenchRig } from './benchRig.ts';
import { findCapacity } from './capacity.ts';
import { measureClusterCapacity } from './clusterCapacity.ts';
import { fakeCloudEnv, fakeCloudGraph, offlineGraph } from './graphs.ts';

const wav = (name: string) =>
  readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;

export async function measureCapacity(
  rig: BenchRig,
  log: (line: string) => void,
  { offline: withOffline = true } = {},
): Promise<Record<string, number>> {
  const { mic, cloud } = rig;
  const utterances = [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')];
  const figures: Record<string, number> = {};
  if (withOffline) Object.assign(figures, await measureOfflineCapacity(rig, utterances, log));

  log(
    '  sessions, fake cloud (Silero VAD + stt.deepgram + llm.openai + tts.openai on fakes in another process)',
  );
  const fakeCloud = await findCapacity(mic, {
    graph: () => fakeCloudGraph(cloud.urls),
    env: fakeCloudEnv(cloud.urls),
    utterances,
    cloudPid: cloud.child.pid,
    windowMs: 5000,
    warmupMs: 3500,
    start: 8,
    max: 256,
    budgetMs: 120_000,
    log,
  });
  figures.sessionsFakeCloud = fakeCloud.sessions;
  figures.memPerSessionFakeCloudMb = fakeCloud.largest.memPerSessionMb;
  figures.cpuMsPerSessionSecFakeCloud = fakeCloud.largest.cpuMsPerSessionSec;
  await closeSharedServices(); // this process's VAD worker would take a core from the two workers

  log(
    '  sessions, fake cloud, two worker processes (same criteria; a step passes if both halves do)',
  );
  const cluster = await measureClusterCapacity(rig, log);
  figures.sessionsFakeCloudCluster = cluster.sessions;
  figures.clusterOverSingle =
    fakeCloud.sessions > 0 ? Math.round((cluster.sessions / fakeCloud.sessions) * 100) / 100 : 0;
  return figures;
}

async function measureOfflineCapacity(
  { mic, weatherUrl }: BenchRig,
  utterances: Int16Array[],
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  log('  sessions, offline graph');
  const offline = await findCapacity(mic, {
    graph: () => offlineGraph(weatherUrl),
    utterances: [wav('thank-you.wav'), ...utterances],
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
