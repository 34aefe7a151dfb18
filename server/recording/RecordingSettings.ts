import path from 'node:path';

/** Which sessions the server records, where, and for how long it keeps them. */
export interface RecordingSettings {
  dir: string;
  /** `all`, or the names of the graphs whose sessions are recorded. */
  graphs: 'all' | ReadonlySet<string>;
  /** Keep at most this many recordings (the newest); undefined: no count limit. */
  maxCount?: number;
  /** Delete recordings older than this (ms); undefined: no age limit. */
  maxAgeMs?: number;
  /** Stop recording a session after this much of it (ms). */
  maxDurationMs: number;
}

const DEFAULT_MAX_COUNT = 100;
const DEFAULT_MAX_SESSION_MINUTES = 30;

/**
 * Recording is off unless PARLEY_RECORD is set: `all`, or a comma-separated
 * list of graph names. PARLEY_RECORDINGS_DIR (default ./recordings),
 * PARLEY_RECORDINGS_MAX (count, default 100, 0 = no limit),
 * PARLEY_RECORDINGS_MAX_AGE_DAYS (default none), PARLEY_RECORDING_MAX_MINUTES
 * (per session, default 30). A malformed value stops the server with the
 * variable's name rather than recording something other than what was asked.
 */
export function recordingSettingsFromEnv(
  env: Record<string, string | undefined>,
): RecordingSettings | undefined {
  const which = env.PARLEY_RECORD?.trim();
  if (!which || which === 'off' || which === 'none') return undefined;
  const names = which
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const maxCount = number(env, 'PARLEY_RECORDINGS_MAX', DEFAULT_MAX_COUNT);
  const maxAgeDays = number(env, 'PARLEY_RECORDINGS_MAX_AGE_DAYS', 0);
  return {
    dir: path.resolve(env.PARLEY_RECORDINGS_DIR?.trim() || 'recordings'),
    graphs: which === 'all' ? 'all' : new Set(names),
    maxCount: maxCount > 0 ? maxCount : undefined,
    maxAgeMs: maxAgeDays > 0 ? maxAgeDays * 86_400_000 : undefined,
    maxDurationMs:
      number(env, 'PARLEY_RECORDING_MAX_MINUTES', DEFAULT_MAX_SESSION_MINUTES) * 60_000 ||
      DEFAULT_MAX_SESSION_MINUTES * 60_000,
  };
}

export function recordsGraph(settings: RecordingSettings, graphName: string): boolean {
  return settings.graphs === 'all' || settings.graphs.has(graphName);
}

function number(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name}=${raw}: expected a number ≥ 0`);
  return value;
}
