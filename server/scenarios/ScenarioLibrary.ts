import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type LoadedScenario,
  loadScenarios,
  parseScenario,
  RECORDING_FILE,
  ScenarioFormatError,
} from '#engine';
import type { ScenarioSource, SuiteSummary } from '../api/scenarioWire.ts';
import { ScenarioApiError } from './ScenarioApiError.ts';
import { checkScenarioName, inside, scenarioRecordingDir, suiteDir } from './scenarioPaths.ts';

/**
 * The scenario suites on disk (one directory each under the root) as the
 * Tests panel sees them: listed, read, edited and added to. Every write is
 * validated with the scenario format first, so a suite never holds a file
 * `parley eval` would refuse because of the editor.
 */
export class ScenarioLibrary {
  constructor(readonly root: string) {}

  async suites(): Promise<SuiteSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const names = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    return Promise.all(names.map((name) => this.suite(name)));
  }

  async suite(name: string): Promise<SuiteSummary> {
    const dir = await this.existingSuite(name);
    const loaded = await this.load(dir);
    return {
      name,
      scenarios: loaded.scenarios.map((s) => ({
        name: s.scenario.name,
        file: path.basename(s.file),
        ...(s.scenario.description ? { description: s.scenario.description } : {}),
        turns: s.scenario.turns.length,
        hasRecording: existsSync(
          path.join(scenarioRecordingDir(dir, s.scenario.name), RECORDING_FILE),
        ),
      })),
      problems: loaded.problems.map((p) => p.message),
    };
  }

  /** The suite's valid scenarios (by name, if given); an unknown name is a 404 naming it. */
  async scenarios(suite: string, names?: string[]): Promise<LoadedScenario[]> {
    const loaded = await this.load(await this.existingSuite(suite));
    if (names === undefined) return loaded.scenarios;
    return names.map((name) => {
      const found = loaded.scenarios.find((s) => s.scenario.name === name);
      if (!found) throw new ScenarioApiError(404, `no scenario "${name}" in suite "${suite}"`);
      return found;
    });
  }

  async source(suite: string, name: string): Promise<ScenarioSource> {
    const [loaded] = await this.scenarios(suite, [checkScenarioName(name)]);
    return {
      suite,
      name,
      file: path.basename(loaded.file),
      text: await readFile(loaded.file, 'utf8'),
    };
  }

  /**
   * Writes a scenario's JSON text after validating it: as the file of the
   * scenario called `name` if there is one, else as `<name>.json`. The text's
   * own `name` must be `name`. A 400 lists every problem with its JSON path.
   */
  async save(suite: string, name: string, text: string): Promise<ScenarioSource> {
    checkScenarioName(name);
    const dir = await this.existingSuite(suite);
    const existing = (await this.load(dir)).scenarios.find((s) => s.scenario.name === name);
    const file = existing?.file ?? inside(dir, `${name}.json`);
    const display = path.join(suite, path.basename(file));
    let scenario: LoadedScenario['scenario'];
    try {
      scenario = parseScenario(text, display);
    } catch (error) {
      if (error instanceof ScenarioFormatError)
        throw new ScenarioApiError(400, error.message, { problems: error.problems });
      throw error;
    }
    const problems: string[] = [];
    if (scenario.name !== name)
      problems.push(`name: "${scenario.name}" must be "${name}", the scenario being saved`);
    for (const [i, turn] of scenario.turns.entries())
      if (
        turn.wav !== undefined &&
        !(await isFileInside(dir, path.resolve(path.dirname(file), turn.wav)))
      )
        problems.push(`turns.${i}.wav: no file ${turn.wav} in the suite`);
    if (problems.length > 0)
      throw new ScenarioApiError(
        400,
        `${display} is not a valid Parley scenario: ${problems.join('; ')}`,
        {
          problems,
        },
      );
    await writeAtomically(file, text.endsWith('\n') ? text : `${text}\n`);
    return { suite, name, file: path.basename(file), text };
  }

  /** A suite directory that exists (404 otherwise); `create` makes it. */
  async existingSuite(name: string, create = false): Promise<string> {
    const dir = suiteDir(this.root, name);
    if (create) await mkdir(dir, { recursive: true });
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ScenarioApiError(404, `no scenario suite "${name}"`);
    return dir;
  }

  private async load(dir: string) {
    return loadScenarios(dir).catch((error: unknown) => {
      // An empty suite (a fresh directory) is a suite with no scenarios, not an error.
      if (error instanceof ScenarioFormatError && /holds no scenario files/.test(error.message))
        return { scenarios: [], problems: [] };
      throw error;
    });
  }
}

/** A WAV a scenario names must stay inside its suite: the editor writes scenarios, it must not point them anywhere. */
async function isFileInside(dir: string, file: string): Promise<boolean> {
  const relative = path.relative(dir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const staging = path.join(path.dirname(file), `.${path.basename(file)}.partial`);
  await writeFile(staging, text);
  await rename(staging, file);
}
