/** What the latency suite's real-time parts run against: one microphone clock, the weather fake, the fake cloud. */
import { closeSharedServices } from '#engine';
import { FakeOpenMeteo } from '../../../test/fakes/FakeOpenMeteo.ts';
import { RealtimeMic } from './RealtimeMic.ts';
import { type FakeCloud, startFakeCloud } from './startFakeCloud.ts';

export interface BenchRig {
  mic: RealtimeMic;
  weatherUrl: string;
  cloud: FakeCloud;
}

/** Starts the rig, runs `use`, and stops everything (shared services included) however `use` ends. */
export async function withBenchRig<T>(use: (rig: BenchRig) => Promise<T>): Promise<T> {
  const mic = new RealtimeMic();
  mic.start();
  const weather = new FakeOpenMeteo();
  const weatherUrl = await weather.start();
  const cloud = await startFakeCloud();
  try {
    return await use({ mic, weatherUrl, cloud });
  } finally {
    mic.stop();
    await cloud.stop();
    await weather.stop();
    await closeSharedServices();
  }
}
