/**
 * One capacity step on its own, for profiling and per-session CPU figures:
 *
 *   npx tsx bench/suites/latency/capacityStep.ts cloud 16 [windowMs]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/suites/latency/capacityStep.ts cloud 16
 *
 * `cloud` = the fake-cloud graph, `offline` = graphs/voice-agent.json. Prints
 * the step's result (pass/fail, lateness, CPU per session, …) as JSON.
 */
import { readFileSync } from 'node:fs';
import { readWav } from '../../../engine/audio/wav.ts';
import { closeSharedServices } from '../../../engine/services/sharedServices.ts';
import { FakeOpenMeteo } from '../../../test/fakes/FakeOpenMeteo.ts';
import { runStep } from './capacity.ts';
import { FAKE_ENV, fakeCloudGraph, offlineGraph } from './graphs.ts';
import { RealtimeMic } from './RealtimeMic.ts';
import { startFakeCloud } from './startFakeCloud.ts';

const [kind = 'cloud', count = '8', windowArg = '10000'] = process.argv.slice(2);
const wav = (name: string) => readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;
const utterances = [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')];

const mic = new RealtimeMic();
mic.start();
const weather = new FakeOpenMeteo();
const weatherUrl = await weather.start();
const cloud = await startFakeCloud();
try {
  const graph = kind === 'offline' ? () => offlineGraph(weatherUrl) : () => fakeCloudGraph(cloud.urls);
  const result = await runStep(Number(count), mic, {
    graph,
    env: kind === 'offline' ? {} : FAKE_ENV,
    utterances: kind === 'offline' ? [wav('thank-you.wav'), ...utterances] : utterances,
    windowMs: Number(windowArg),
    warmupMs: 3500,
    cloudPid: cloud.child.pid,
  });
  console.log(JSON.stringify(result));
} finally {
  mic.stop();
  await cloud.stop();
  await weather.stop();
  await closeSharedServices();
}
