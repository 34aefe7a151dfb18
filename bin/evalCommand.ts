import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createDefaultRegistry,
  GraphRunner,
  GraphValidationError,
  loadScenarios,
  type NodeRegistry,
  type ReplayMode,
  renderSuiteText,
  runScenarioSuite,
  type ScenarioGraph,
  suiteReportJson,
  suiteReportJunit,
  writeRecording,
} from '#engine';
import { GraphSpecError, loadGraphSpec } from './graphSpec.ts';

export interface EvalCommandOptions {
  /** A scenario directory (its *.json files) or one scenario file. */
  scenarios: string;
  /** NAME (from the graph store) or a graph .json file. */
  graph: string;
  graphsDir: string;
  /** As typed: validated here so a bad value is bad input (exit 2). */
  repeat: string;
  /** Force a clock; default: virtual for local graphs, real time otherwise. */
  mode?: ReplayMode;
  liveTools: boolean;
  json?: string;
  junit?: string;
  /** Write each run as a recording here, to listen to or `parley replay`. */
  save?: string;
  print: (text: string) => void;
}

/** Exit codes: every run passed, an expectation failed (or a scenario could not run), bad input. */
export const EVAL_EXIT = { passed: 0, failed: 1, badInput: 2 } as const;

/** Bad input: the message is printed as is and the exit code is 2. */
class EvalInputError extends Error {}

/**
 * `parley eval`: runs a directory of scenarios against a graph, prints a
 * pass/fail line per scenario with its pass rate over the repeats and the
 * failures, writes the JSON and JUnit reports, and returns the exit code.
 */
export async function evalCommand(options: EvalCommandOptions): Promise<number> {
  try {
    return await evaluate(options);
  } catch (error) {
    if (!(error instanceof EvalInputError)) throw error;
    options.print(`parley eval: ${error.message}`);
    return EVAL_EXIT.badInput;
  }
}

async function evaluate(options: EvalCommandOptions): Promise<number> {
  const repeat = Number(options.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000)
    throw new EvalInputError(`--repeat ${options.repeat}: must be a whole number from 1 to 1000`);
  const registry = createDefaultRegistry();
  const graph = await resolveGraph(options.graph, options.graphsDir, registry);
  const suite = await loadScenarios(options.scenarios).catch((error: Error) => {
    throw new EvalInputError(error.message);
  });
  for (const problem of suite.problems) options.print(problem.message);
  options.print(
    `eval ${options.scenarios}: ${plural(suite.scenarios.length, 'scenario')} against ${graph.name}, ${plural(repeat, 'run')} each${options.liveTools ? ', live tools' : ''}`,
  );
  const report = await runScenarioSuite(suite.scenarios, {
    graph,
    registry,
    env: process.env,
    repeat,
    mode: options.mode,
    tools: options.liveTools ? 'live' : 'scripted',
    resolveGraph: (spec, file) =>
      resolveGraph(spec, options.graphsDir, registry, path.dirname(file)),
    onRun: async (outcome, run, repeat) => {
      if (options.save)
        await writeRecording(
          path.join(options.save, `${outcome.name}-run${repeat}`),
          run.recording,
        );
    },
  });
  options.print(renderSuiteText(report));
  if (options.json) await writeReport(options.json, suiteReportJson(report), options.print);
  if (options.junit) await writeReport(options.junit, suiteReportJunit(report), options.print);
  if (suite.problems.length > 0) return EVAL_EXIT.badInput;
  return report.passed ? EVAL_EXIT.passed : EVAL_EXIT.failed;
}

async function writeReport(file: string, text: string, print: (text: string) => void) {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
  print(`wrote ${file}`);
}

/**
 * What `--graph` (or a scenario's own `graph`) names, validated before anything runs, so
 * a bad graph is bad input and not eight failed scenarios.
 */
async function resolveGraph(
  spec: string,
  graphsDir: string,
  registry: NodeRegistry,
  base = '.',
): Promise<ScenarioGraph> {
  const graph = await loadGraphSpec(spec, graphsDir, base).catch((error: Error) => {
    throw error instanceof GraphSpecError ? new EvalInputError(error.message) : error;
  });
  try {
    GraphRunner.validate(graph.document, registry);
  } catch (error) {
    if (!(error instanceof GraphValidationError)) throw error;
    throw new EvalInputError(
      `${spec} is not a valid graph:\n  ${error.issues.map((i) => i.message).join('\n  ')}`,
    );
  }
  return { document: graph.document, name: graph.name };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
