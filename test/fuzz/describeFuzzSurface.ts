/**
 * One `describe` per surface: a server child process with a healthy session
 * on it, then one test per case (named `#index kind: input`, so a failure
 * names its input and `-t '#17 '` replays it), then the verdict on the
 * server and the healthy session.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CaseKind } from './FuzzCase.ts';
import { FuzzRun } from './FuzzRun.ts';
import { casesFor, fuzzSeed, type Surface } from './fuzzConfig.ts';
import { Rng } from './Rng.ts';

/** A case waits at most a few seconds per step; a frozen server makes it take longer, not forever. */
const CASE_TIMEOUT_MS = 30_000;

export function describeFuzzSurface(
  surface: Surface,
  testFile: string,
  kinds: readonly CaseKind[],
): void {
  const seed = fuzzSeed();
  const count = casesFor(surface, kinds.length);
  const relativeFile = path.relative(process.cwd(), testFile);

  describe(`fuzz ${surface} (FUZZ_SEED=${seed}, ${count} cases over ${kinds.length} kinds)`, () => {
    const run = new FuzzRun(surface, seed, count, relativeFile);
    beforeAll(() => run.start(), 60_000);
    afterAll(() => run.stop(), 30_000);

    for (let index = 0; index < count; index++) {
      const kind = kinds[index % kinds.length];
      const spec = kind.make(Rng.forCase(seed, surface, index));
      it(`#${index} ${kind.name}: ${spec.title}`, { timeout: CASE_TIMEOUT_MS }, () =>
        run.runCase(index, kind.name, spec),
      );
    }

    it(
      'the server survived, answered health checks with escapedErrors 0, and the healthy session finished every turn',
      { timeout: 30_000 },
      () => run.assertSurvived(),
    );
  });
}
