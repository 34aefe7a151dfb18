import path from 'node:path';
import { ScenarioApiError } from './ScenarioApiError.ts';

/** Suite and scenario names: what the scenario format allows for `name`, never a dot first (no `..`, no hidden files). */
const NAME = /^[\w-][\w.-]{0,99}$/;

/** A suite directory under `root`, or a 400 that names the bad suite name. */
export function suiteDir(root: string, suite: unknown): string {
  if (typeof suite !== 'string' || !NAME.test(suite))
    throw new ScenarioApiError(
      400,
      `invalid suite name ${JSON.stringify(suite)}: use 1–100 letters, digits, "_", "-" or "." (not first)`,
    );
  return inside(root, suite);
}

/** Checks a scenario name (the file is `<name>.json`); a 400 names the bad one. */
export function checkScenarioName(name: unknown, field = 'scenario name'): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new ScenarioApiError(
      400,
      `invalid ${field} ${JSON.stringify(name)}: use 1–100 letters, digits, "_", "-" or "." (not first)`,
    );
  return name;
}

/** `root/child`, refusing anything that would resolve outside `root` (belt and braces over the name check). */
export function inside(root: string, child: string): string {
  const resolved = path.resolve(root, child);
  if (path.dirname(resolved) !== path.resolve(root))
    throw new ScenarioApiError(
      400,
      `invalid name ${JSON.stringify(child)}: must stay inside its directory`,
    );
  return resolved;
}

/** Where the recording saved with a scenario lives: `<suite>/<name>/recording/`. */
export function scenarioRecordingDir(suitePath: string, name: string): string {
  return path.join(inside(suitePath, name), 'recording');
}
