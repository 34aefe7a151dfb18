/**
 * The generators themselves, without a server: every kind of every surface
 * makes cases for many seeds without throwing (cases are made while vitest
 * collects tests, where a throw would sink the whole surface), with a title,
 * and the same case from the same seed and index.
 */
import { describe, expect, it } from 'vitest';
import type { Surface } from './fuzzConfig.ts';
import { Rng } from './Rng.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

const SEEDS = 40;

describe('fuzz case generation', () => {
  for (const surface of Object.keys(SURFACE_KINDS) as Surface[]) {
    it(`${surface}: every kind makes cases for ${SEEDS} seeds, reproducibly`, () => {
      const kinds = SURFACE_KINDS[surface]();
      expect(new Set(kinds.map((k) => k.name)).size, 'kind names are unique').toBe(kinds.length);
      for (const kind of kinds) {
        for (let seed = 0; seed < SEEDS; seed++) {
          const title = kind.make(Rng.forCase(seed, surface, 7)).title;
          expect(title.length, `${kind.name} seed ${seed}`).toBeGreaterThan(0);
          expect(
            kind.make(Rng.forCase(seed, surface, 7)).title,
            `${kind.name} seed ${seed} replays`,
          ).toBe(title);
        }
      }
    });
  }
});
