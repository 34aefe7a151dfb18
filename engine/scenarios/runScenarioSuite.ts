import type { Logger } from '../core/Logger.ts';
import type { NodeRegistry } from '../graph/NodeRegistry.ts';
import { FliteSynth } from '../providers/flite/FliteSynth.ts';
import { closeSharedServices } from '../providers/sharedServices.ts';
import type { ReplayMode } from '../recording/ReplayPacer.ts';
import { clockModeFor } from './clockModeFor.ts';
import { evaluateScenario, type ScenarioOutcome } from './evaluateScenario.ts';
import { runScenario, type ScenarioRun } from './runScenario.ts';
import type { LoadedScenario } from './ScenarioFormat.ts';
import { userSpeech } from './userSpeech.ts';

/** A graph ready to run: its document and the name reports give it. */
export interface ScenarioGraph {
  document: unknown;
  name: string;
}

export interface SuiteOptions {
  /** The graph every scenario runs against unless it names its own. */
  graph: ScenarioGraph;
  /** Finds a scenario's own `graph` (a file beside it, or a store name). Required if any scenario has one. */
  resolveGraph?: (spec: string, scenarioFile: string) => Promise<ScenarioGraph>;
  registry: NodeRegistry;
  env?: Record<string, string | undefined>;
  /** Runs per scenario. Default 1. */
  repeat?: number;
  /** Default: `fast` for local graphs, `realtime` for any with a network service (`clockModeFor`). */
  mode?: ReplayMode;
  tools?: 'scripted' | 'live';
  logger?: Logger;
  /** Called after every run (`repeat` counts from 1), e.g. to print progress or keep the run's recording. */
  onRun?: (outcome: ScenarioOutcome, run: ScenarioRun, repeat: number) => void | Promise<void>;
}

/** A run's outcome and how long it took (wall time: the whole run, TTS of the turns excluded). */
export type TimedOutcome = ScenarioOutcome & { durationMs: number };

/** One scenario over all its runs. */
export interface ScenarioResult {
  name: string;
  file: string;
  graph: string;
  mode: ReplayMode;
  runs: TimedOutcome[];
  passedRuns: number;
  /** passedRuns / runs, 0–1. */
  passRate: number;
  /** Set when the scenario could not run at all (its graph is invalid, its WAV unreadable…). */
  error?: string;
}

export interface SuiteReport {
  graph: string;
  repeat: number;
  scenarios: ScenarioResult[];
  /** Every run of every scenario passed. */
  passed: boolean;
  durationMs: number;
}

/**
 * Runs every scenario `repeat` times and judges each run. A scenario that
 * cannot run is reported as failed with its reason; the others go on. Each
 * run starts on fresh shared services: a pooled recogniser adapts to what it
 * has heard, and scenarios must not depend on their order.
 */
export async function runScenarioSuite(
  scenarios: readonly LoadedScenario[],
  options: SuiteOptions,
): Promise<SuiteReport> {
  const started = Date.now();
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const flite = new FliteSynth();
  const results: ScenarioResult[] = [];
  try {
    for (const loaded of scenarios) results.push(await runOne(loaded, options, repeat, flite));
  } finally {
    await flite.close();
    await closeSharedServices();
  }
  return {
    graph: options.graph.name,
    repeat,
    scenarios: results,
    passed: results.every((r) => r.error === undefined && r.passedRuns === r.runs.length),
    durationMs: Date.now() - started,
  };
}

async function runOne(
  loaded: LoadedScenario,
  options: SuiteOptions,
  repeat: number,
  flite: FliteSynth,
): Promise<ScenarioResult> {
  const result: ScenarioResult = {
    name: loaded.scenario.name,
    file: loaded.file,
    graph: options.graph.name,
    mode: options.mode ?? 'realtime',
    runs: [],
    passedRuns: 0,
    passRate: 0,
  };
  try {
    const graph = await graphFor(loaded, options);
    result.graph = graph.name;
    result.mode = options.mode ?? clockModeFor(graph.document, options.registry);
    const speech = await userSpeech(loaded, 16000, flite);
    for (let i = 0; i < repeat; i++) {
      const runStarted = Date.now();
      const run = await runScenario(loaded, graph.document, {
        registry: options.registry,
        env: options.env,
        speech,
        mode: result.mode,
        tools: options.tools,
        graphName: graph.name,
        logger: options.logger,
      }).finally(closeSharedServices);
      const outcome = evaluateScenario(loaded, run);
      result.runs.push({ ...outcome, durationMs: Date.now() - runStarted });
      if (outcome.passed) result.passedRuns++;
      await options.onRun?.(outcome, run, i + 1);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.passRate = result.runs.length > 0 ? result.passedRuns / result.runs.length : 0;
  return result;
}

async function graphFor(loaded: LoadedScenario, options: SuiteOptions): Promise<ScenarioGraph> {
  const spec = loaded.scenario.graph;
  if (spec === undefined) return options.graph;
  if (!options.resolveGraph)
    throw new Error(`graph: "${spec}" given, but this runner cannot look graphs up`);
  return options.resolveGraph(spec, loaded.file);
}
