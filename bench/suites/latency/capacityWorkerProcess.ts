/**
 * One worker of the worker-process capacity figures (`workerCapacity.ts`): a process that holds
 * its share of the fake-cloud sessions with its own microphone clock, exactly as a
 * single-process step does, and answers each step's result over IPC.
 *
 * Messages in: `{ warm: true }` (start the shared services with one session), `{ run: n }`.
 * Messages out: `{ warmed: true }`, `{ result: StepResult }`, `{ error: string }`.
 */
import { readFileSync } from 'node:fs';
import { closeSharedServices, readWav } from '#engine';
import { type CapacityOptions, runStep, warmSharedServices } from './capacity.ts';
import { type FakeCloudUrls, fakeCloudEnv, fakeCloudGraph } from './graphs.ts';
import { RealtimeMic } from './RealtimeMic.ts';

const { urls, cloudPid } = JSON.parse(process.argv[2] ?? '{}') as {
  urls: FakeCloudUrls;
  cloudPid?: number;
};
const wav = (name: string) =>
  readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;
const options: CapacityOptions = {
  graph: () => fakeCloudGraph(urls),
  env: fakeCloudEnv(urls),
  utterances: [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')],
  windowMs: 5000,
  warmupMs: 3500,
  cloudPid,
};
const mic = new RealtimeMic();
mic.start();

process.on('message', (message: { warm?: boolean; run?: number }) => {
  void (async () => {
    try {
      if (message.warm) {
        await warmSharedServices(mic, options);
        process.send?.({ warmed: true });
      } else if (message.run !== undefined) {
        process.send?.({ result: await runStep(message.run, mic, options) });
      }
    } catch (error) {
      process.send?.({ error: error instanceof Error ? error.stack : String(error) });
    }
  })();
});
process.on('disconnect', () => {
  mic.stop();
  void closeSharedServices().finally(() => process.exit(0));
});
