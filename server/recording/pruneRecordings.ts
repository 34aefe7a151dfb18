import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RECORDING_FILE } from '#engine';

export interface RetentionLimits {
  maxCount?: number;
  maxAgeMs?: number;
}

/**
 * Applies the retention limits to a recordings directory: deletes the oldest
 * recordings beyond `maxCount`, and any older than `maxAgeMs`. Only
 * directories holding a recording.json are considered, so nothing else that
 * lives there is touched. Returns the names deleted.
 */
export async function pruneRecordings(
  dir: string,
  limits: RetentionLimits,
  now = Date.now(),
): Promise<string[]> {
  if (limits.maxCount === undefined && limits.maxAgeMs === undefined) return [];
  const found: Array<{ name: string; createdMs: number }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const createdMs = await createdAt(path.join(dir, entry.name));
    if (createdMs !== undefined) found.push({ name: entry.name, createdMs });
  }
  found.sort((a, b) => b.createdMs - a.createdMs || b.name.localeCompare(a.name));
  const doomed = found.filter(
    (r, i) =>
      (limits.maxCount !== undefined && i >= limits.maxCount) ||
      (limits.maxAgeMs !== undefined && now - r.createdMs > limits.maxAgeMs),
  );
  for (const r of doomed) await rm(path.join(dir, r.name), { recursive: true, force: true });
  return doomed.map((r) => r.name);
}

/** When a recording was made: its createdAt, or the file's mtime if that cannot be read. */
async function createdAt(recordingDir: string): Promise<number | undefined> {
  const file = path.join(recordingDir, RECORDING_FILE);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  // Only the head is read: createdAt is written near the top, and the file may be large.
  const head = await readFile(file, 'utf8')
    .then((t) => t.slice(0, 4096))
    .catch(() => '');
  const match = /"createdAt":\s*"([^"]+)"/.exec(head);
  const parsed = match ? Date.parse(match[1]) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : info.mtimeMs;
}
