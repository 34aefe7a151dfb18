import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidGraphName } from './graphName.ts';
import { type GraphText, revisionOf } from './graphText.ts';

/**
 * The graphs of a graphs directory (`NAME.json`), as their exact bytes: what
 * a fresh cluster store starts with, so it has the default agent. A file that
 * is not valid JSON is taken as it is, like the file store lists it (with an
 * error), so the editor can still overwrite it.
 */
export async function readGraphsDir(dir: string): Promise<GraphText[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: GraphText[] = [];
  for (const file of files.sort()) {
    if (file.startsWith('.') || !file.endsWith('.json')) continue;
    const name = file.slice(0, -'.json'.length);
    if (!isValidGraphName(name)) continue;
    const full = path.join(dir, file);
    const [text, info] = await Promise.all([readFile(full, 'utf8'), stat(full)]);
    out.push({ name, revision: revisionOf(text), text, updatedAtMs: info.mtimeMs });
  }
  return out;
}
