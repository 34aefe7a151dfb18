/**
 * Run parameters, from the environment:
 * - `FUZZ_SEED`: the run's seed (default: a fresh one per run, printed, so a
 *   failure can be replayed with `FUZZ_SEED=<seed>`);
 * - `FUZZ_CASES`: cases in total across all surfaces (default 300, so
 *   `npm test` stays quick; `npm run fuzz` asks for thousands).
 */
export type Surface = 'pipecat' | 'live' | 'twilio' | 'realtime' | 'rest';

/** Each surface's share of FUZZ_CASES: the protocol-heavy transports get most. */
const SHARE: Record<Surface, number> = {
  pipecat: 0.27,
  realtime: 0.22,
  twilio: 0.21,
  live: 0.12,
  rest: 0.18,
};

export const DEFAULT_TOTAL_CASES = 300;

export function fuzzSeed(): number {
  const fromEnv = process.env.FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got '${fromEnv}'`);
    return seed;
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

export function totalCases(): number {
  const fromEnv = process.env.FUZZ_CASES;
  if (fromEnv === undefined || fromEnv.trim() === '') return DEFAULT_TOTAL_CASES;
  const total = Number(fromEnv);
  if (!Number.isInteger(total) || total < 1)
    throw new Error(`FUZZ_CASES must be a positive integer, got '${fromEnv}'`);
  return total;
}

/** How many cases `surface` runs: its share, but never fewer than one of each kind it knows. */
export function casesFor(surface: Surface, kindCount: number): number {
  return Math.max(kindCount, Math.round(totalCases() * SHARE[surface]));
}
