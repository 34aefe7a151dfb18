import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  clockModeFor,
  closeSharedServices,
  compareReplays,
  evaluateScenario,
  FliteSynth,
  type LoadedScenario,
  type NodeRegistry,
  RECORDING_FILE,
  type Recording,
  readRecording,
  readScenarioFile,
  runScenario,
  userSpeech,
} from '#engine';
import type { ScenarioRunResult } from '../api/scenarioWire.ts';

/** What one job runs: scenario files against the draft, each compared with a baseline. */
export interface PanelRunSpec {
  /** Absolute scenario files. */
  files: string[];
  draft: { document: unknown; name: string };
  /** The deployed revision of the draft's graph, run for scenarios with no saved recording. */
  deployed?: { document: unknown; name: string; revision: string };
  env: Record<string, string | undefined>;
  /** `none`: judge only, no baseline and no comparison. */
  baseline: 'auto' | 'none';
}

export interface PanelRunHooks {
  onStart(name: string): void;
  onResult(result: ScenarioRunResult): void;
}

/**
 * Runs each scenario against the draft graph, judges it, and compares the
 * run with its baseline: the recording saved with the scenario (a saved Talk
 * session), else the same scenario run against the deployed revision. Each
 * run starts on fresh shared services, as `runScenarioSuite` does: a pooled
 * recogniser adapts to what it has heard, so results must not depend on order.
 */
export async function runScenariosForPanel(
  spec: PanelRunSpec,
  registry: NodeRegistry,
  hooks: PanelRunHooks,
): Promise<void> {
  const flite = new FliteSynth();
  try {
    for (const file of spec.files) {
      const name = path.basename(file, '.json');
      hooks.onStart(name);
      hooks.onResult(await runOne(file, spec, registry, flite));
    }
  } finally {
    await flite.close();
    await closeSharedServices();
  }
}

async function runOne(
  file: string,
  spec: PanelRunSpec,
  registry: NodeRegistry,
  flite: FliteSynth,
): Promise<ScenarioRunResult> {
  const started = Date.now();
  const mode = clockModeFor(spec.draft.document, registry);
  const result: ScenarioRunResult = {
    name: path.basename(file, '.json'),
    status: 'error',
    failures: [],
    turns: [],
    graphErrors: [],
    baseline: null,
    mode,
    durationMs: 0,
  };
  try {
    const loaded = await readScenarioFile(file);
    result.name = loaded.scenario.name;
    if (loaded.scenario.graph !== undefined)
      throw new Error(
        `it names its own graph ("${loaded.scenario.graph}"); the Tests panel runs scenarios against the graph being edited`,
      );
    const speech = await userSpeech(loaded, 16000, flite);
    const run = async (document: unknown, graphName: string) =>
      runScenario(loaded, document, { registry, env: spec.env, speech, mode, graphName }).finally(
        closeSharedServices,
      );
    const draftRun = await run(spec.draft.document, spec.draft.name);
    const outcome = evaluateScenario(loaded, draftRun);
    Object.assign(result, {
      status: outcome.passed ? 'passed' : 'failed',
      failures: outcome.failures,
      graphErrors: outcome.errors,
      turns: outcome.turns.map((t) => ({
        turn: t.turn,
        text: t.text,
        checks: t.checks,
        notes: t.notes,
      })),
    });
    draftRun.recording.meta.graph.revision = 'draft';
    if (spec.baseline === 'none') {
      result.baselineNote = 'not compared (baseline: none)';
      return finish(result, started);
    }
    const baseline = await baselineFor(loaded, spec, run);
    if ('recording' in baseline) {
      result.baseline = baseline.kind;
      result.comparison = compareReplays(baseline.recording, draftRun.recording);
    } else result.baselineNote = baseline.note;
  } catch (error) {
    result.status = 'error';
    result.error = error instanceof Error ? error.message : String(error);
  }
  return finish(result, started);
}

function finish(result: ScenarioRunResult, started: number): ScenarioRunResult {
  result.durationMs = Date.now() - started;
  return result;
}

type Baseline = { kind: 'recording' | 'deployed'; recording: Recording } | { note: string };

async function baselineFor(
  loaded: LoadedScenario,
  spec: PanelRunSpec,
  run: (document: unknown, graphName: string) => Promise<{ recording: Recording }>,
): Promise<Baseline> {
  const saved = path.join(path.dirname(loaded.file), loaded.scenario.name, 'recording');
  if (existsSync(path.join(saved, RECORDING_FILE)))
    return { kind: 'recording', recording: await readRecording(saved) };
  if (!spec.deployed) return { note: 'no baseline: the graph has no deployed revision' };
  try {
    const deployed = await run(spec.deployed.document, spec.deployed.name);
    const recording = deployed.recording;
    recording.meta.graph.revision = spec.deployed.revision;
    return { kind: 'deployed', recording };
  } catch (error) {
    return { note: `the deployed revision could not run: ${(error as Error).message}` };
  }
}
