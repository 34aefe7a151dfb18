/**
 * One capacity step on its own, for profiling and per-session CPU figures:
 *
 *   npx tsx bench/suites/latency/capacityStep.ts cloud 16 [windowMs]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/suites/latency/capacityStep.ts cloud 16
 *
 * `cloud` = the fake-cloud graph, `offline` = graphs/voice-agent.json. Prints
 * the step's result (pass/fail, lateness, CPU per session, …) as JSON.
 * With `STALLS=1`, also every event-loop stall > 20 ms (how long the main
 * thread ran vs waited for a core, GC inside it) and which underruns
 * (chunks > 40 ms late) a stall explains — see StallMonitor.ts.
 */
import { readFileSync } from 'node:fs';
import { closeSharedServices, readWav } from '#engine';
import { FakeOpenMeteo } from '../../../test/fakes/FakeOpenMeteo.ts';
import { runStep } from './capacity.ts';
import { fakeCloudEnv, fakeCloudGraph, offlineGraph } from './graphs.ts';
import { RealtimeMic } from './RealtimeMic.ts';
import { StallMonitor } from './StallMonitor.ts';
import { startFakeCloud } from './startFakeCloud.ts';

const [kind = 'cloud', count = '8', windowArg = '10000'] = process.argv.slice(2);
const wav = (name: string) =>
  readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;
const utterances = [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')];

const mic = new RealtimeMic();
mic.start();
const weather = new FakeOpenMeteo();
const weatherUrl = await weather.start();
const cloud = await startFakeCloud();
const stalls = process.env.STALLS ? new StallMonitor(20) : undefined;
try {
  stalls?.start();
  const graph =
    kind === 'offline' ? () => offlineGraph(weatherUrl) : () => fakeCloudGraph(cloud.urls);
  const result = await runStep(Number(count), mic, {
    graph,
    env: kind === 'offline' ? {} : fakeCloudEnv(cloud.urls),
    utterances: kind === 'offline' ? [wav('thank-you.wav'), ...utterances] : utterances,
    windowMs: Number(windowArg),
    warmupMs: 3500,
    cloudPid: cloud.child.pid,
  });
  stalls?.stop();
  const { underrunsAt, ...figures } = result;
  console.log(JSON.stringify(figures));
  if (stalls) reportStalls(stalls, underrunsAt);
} finally {
  mic.stop();
  await cloud.stop();
  await weather.stop();
  await closeSharedServices();
}

/** Stalls, GC, and for each underrun the stall (if any) that overlaps its lateness. */
function reportStalls(
  monitor: StallMonitor,
  underruns: Array<{ at: number; lateMs: number }>,
): void {
  const r = (v: number) => Math.round(v * 10) / 10;
  const gcs = monitor.gcPauses;
  const gcLong = gcs.filter((g) => g.durationMs > 5);
  console.log(
    `GC: ${gcs.length} pauses, ${r(gcs.reduce((s, g) => s + g.durationMs, 0))} ms in all, ${gcLong.length} > 5 ms (max ${r(Math.max(0, ...gcs.map((g) => g.durationMs)))} ms)`,
  );
  const kinds: Record<number, string> = {
    1: 'scavenge',
    2: 'mark-compact',
    4: 'incremental',
    8: 'weak-cb',
  };
  for (const g of gcLong)
    console.log(`  gc at ${r(g.start)} ${r(g.durationMs)} ms ${kinds[g.kind] ?? g.kind}`);
  console.log(`stalls > 20 ms: ${monitor.stalls.length}`);
  for (const s of monitor.stalls)
    console.log(
      `  at ${r(s.at)} gap ${r(s.gapMs)} ran ${r(s.ranMs)} waited ${r(s.waitedMs)} gc ${r(s.gcMs)}`,
    );
  const explained = underruns.filter((u) =>
    monitor.stalls.some((s) => s.at >= u.at - u.lateMs && s.at - s.gapMs <= u.at),
  );
  console.log(`underruns: ${underruns.length}, overlapping a stall: ${explained.length}`);
  for (const u of underruns) console.log(`  at ${r(u.at)} late ${r(u.lateMs)}`);
}
