import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TurnRecord } from './TurnRecord.ts';

/**
 * Where a session's turn records go when it ends: one JSON object per line
 * (JSONL), appended, so a directory of them can be grepped, `jq`-ed or loaded
 * into a notebook to compare graphs and providers after the fact.
 */
export function turnJournalPath(dir: string, sessionId: string): string {
  // Session ids are UUIDs from the server; anything else is made safe for a file name.
  return path.join(dir, `${sessionId.replace(/[^\w.-]+/g, '_')}.jsonl`);
}

function toJsonLines(records: readonly TurnRecord[], extra: Record<string, string> = {}): string {
  return records.map((r) => `${JSON.stringify({ ...extra, ...r })}\n`).join('');
}

/** Appends `records` to `<dir>/<sessionId>.jsonl`, creating the directory. Nothing is written for a session with no turns. */
export async function writeTurnJournal(
  dir: string,
  sessionId: string,
  records: readonly TurnRecord[],
  extra: Record<string, string> = {},
): Promise<string | undefined> {
  if (records.length === 0) return undefined;
  await mkdir(dir, { recursive: true });
  const file = turnJournalPath(dir, sessionId);
  await appendFile(file, toJsonLines(records, extra), 'utf8');
  return file;
}
