/**
 * This process's descendants, read from /proc (Linux). Not `ps`: a
 * synchronous spawn of a large process blocks the event loop for tens of ms.
 * Pocketsphinx decoders are children of a zygote (grandchildren of ours) or,
 * spawned directly, our children: both are found here.
 */
import { readdirSync, readFileSync } from 'node:fs';

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return []; // exited meanwhile, or no /proc
  }
}

/** Every process below `root`, depth first. */
export function descendantPids(root = process.pid): number[] {
  const found: number[] = [];
  for (const child of childrenOf(root)) found.push(child, ...descendantPids(child));
  return found;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface PocketsphinxProcesses {
  /** Processes that decode (forked from a zygote, or spawned on their own). */
  decoders: number[];
  /** Processes that only hold the models and fork decoders. */
  zygotes: number[];
}

const isPocketsphinx = (pid: number): boolean =>
  read(`/proc/${pid}/comm`)?.startsWith('pocketsphinx') ?? false;

/**
 * Pocketsphinx helper processes below this one. A zygote's forks keep its
 * command line (`-zygote` included), so a zygote is told apart by its parent:
 * ours, not another helper.
 */
export function pocketsphinxProcesses(root = process.pid): PocketsphinxProcesses {
  const result: PocketsphinxProcesses = { decoders: [], zygotes: [] };
  const visit = (parent: number): void => {
    for (const pid of childrenOf(parent)) {
      if (isPocketsphinx(pid)) {
        const argv = read(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
        const zygote = argv.includes('-zygote') && !isPocketsphinx(parent);
        (zygote ? result.zygotes : result.decoders).push(pid);
      }
      visit(pid);
    }
  };
  visit(root);
  return result;
}
