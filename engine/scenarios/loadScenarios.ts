import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  type LoadedScenario,
  SCENARIO_FORMAT_VERSION,
  SCENARIO_LIMITS,
  scenarioSchema,
} from './ScenarioFormat.ts';
import { ScenarioFormatError } from './ScenarioFormatError.ts';

export interface LoadedSuite {
  scenarios: LoadedScenario[];
  /** One per file that could not be used; the good files are still loaded. */
  problems: ScenarioFormatError[];
}

/**
 * The scenarios in `location`: a scenario file, or a directory whose `*.json`
 * files (not its subdirectories, which may hold WAVs or graphs) are
 * scenarios, in name order. A bad file does not stop the others loading.
 */
export async function loadScenarios(location: string): Promise<LoadedSuite> {
  const info = await stat(location).catch((error: Error) => {
    throw new ScenarioFormatError(location, [`cannot be read (${error.message})`]);
  });
  const files = info.isDirectory()
    ? (await readdir(location, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
        .map((entry) => path.join(location, entry.name))
        .sort()
    : [location];
  if (files.length === 0)
    throw new ScenarioFormatError(location, ['holds no scenario files (*.json)']);
  const suite: LoadedSuite = { scenarios: [], problems: [] };
  const names = new Map<string, string>();
  for (const file of files) {
    try {
      const loaded = await readScenarioFile(file);
      const other = names.get(loaded.scenario.name);
      if (other)
        throw new ScenarioFormatError(file, [
          `name: "${loaded.scenario.name}" is already the name of ${other}`,
        ]);
      names.set(loaded.scenario.name, file);
      suite.scenarios.push(loaded);
    } catch (error) {
      if (!(error instanceof ScenarioFormatError)) throw error;
      suite.problems.push(error);
    }
  }
  return suite;
}

/** Reads and validates one scenario file, and checks that the WAV files it names exist. */
export async function readScenarioFile(file: string): Promise<LoadedScenario> {
  const size = await stat(file).then(
    (s) => s.size,
    (error: Error) => {
      throw new ScenarioFormatError(file, [`cannot be read (${error.message})`]);
    },
  );
  if (size > SCENARIO_LIMITS.maxJsonBytes)
    throw new ScenarioFormatError(file, [
      `${size} bytes; a scenario file may have at most ${SCENARIO_LIMITS.maxJsonBytes}`,
    ]);
  const loaded = { file, scenario: parseScenario(await readFile(file, 'utf8'), file) };
  await checkWavFiles(loaded);
  return loaded;
}

/** Validates a scenario's JSON text; `file` names it in errors and anchors its WAV paths. */
export function parseScenario(text: string, file: string): LoadedScenario['scenario'] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioFormatError(file, [`not JSON (${(error as Error).message})`]);
  }
  const version = (json as { scenarioVersion?: unknown } | null)?.scenarioVersion;
  if (typeof version === 'number' && version > SCENARIO_FORMAT_VERSION)
    throw new ScenarioFormatError(file, [
      `scenarioVersion ${version} is newer than this Parley reads (${SCENARIO_FORMAT_VERSION})`,
    ]);
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioFormatError(file, describeIssues(parsed.error));
  return parsed.data;
}

/** A turn's WAV, resolved against the scenario file's directory. */
export function wavPath(loaded: LoadedScenario, wav: string): string {
  return path.resolve(path.dirname(loaded.file), wav);
}

async function checkWavFiles(loaded: LoadedScenario): Promise<void> {
  const problems: string[] = [];
  for (const [i, turn] of loaded.scenario.turns.entries()) {
    if (turn.wav === undefined) continue;
    const found = await stat(wavPath(loaded, turn.wav)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!found) problems.push(`turns.${i}.wav: no file ${turn.wav} beside the scenario`);
  }
  if (problems.length > 0) throw new ScenarioFormatError(loaded.file, problems);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
}
