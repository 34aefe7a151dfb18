import type { ScenarioRunResult } from '../api/scenarioWire.ts';

/** What a scenario worker process tells the server, over IPC. */
export type WorkerMessage =
  | { type: 'started'; name: string }
  | { type: 'result'; result: ScenarioRunResult }
  | { type: 'finished' }
  | { type: 'failed'; error: string };
