import path from 'node:path';

/** Where the server's scenario suites live and how much scenario work it takes on at once. */
export interface ScenarioSettings {
  /** The root: each subdirectory is a suite (`scenarios/default-agent/`). */
  dir: string;
  /** Scenario jobs running at once, server-wide (each in its own process). */
  maxRunningJobs: number;
  /** Jobs waiting beyond the running ones; more are refused with 429. */
  maxQueuedJobs: number;
  /** A job still running after this long is stopped. */
  jobTimeoutMs: number;
  /** Finished Talk recordings kept for "Save as scenario", at most this many… */
  maxTalkRecordings: number;
  /** …and for this long after their session ended. */
  talkRecordingTtlMs: number;
  /** A Talk recording stops taking audio after this much of the session (memory: a few MB a minute, both tracks). */
  talkRecordingMaxMs: number;
}

/**
 * PARLEY_SCENARIOS_DIR (default ./scenarios), PARLEY_SCENARIO_JOBS (default 2
 * running at once). The rest are fixed bounds. A malformed value stops the
 * server with the variable's name.
 */
export function scenarioSettingsFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<ScenarioSettings> = {},
): ScenarioSettings {
  return {
    dir: path.resolve(env.PARLEY_SCENARIOS_DIR?.trim() || 'scenarios'),
    maxRunningJobs: wholeNumber(env, 'PARLEY_SCENARIO_JOBS', 2),
    maxQueuedJobs: 8,
    jobTimeoutMs: 10 * 60_000,
    maxTalkRecordings: 4,
    talkRecordingTtlMs: 30 * 60_000,
    talkRecordingMaxMs: 5 * 60_000,
    ...overrides,
  };
}

function wholeNumber(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 64)
    throw new Error(`${name}=${raw}: expected a whole number from 1 to 64`);
  return value;
}
