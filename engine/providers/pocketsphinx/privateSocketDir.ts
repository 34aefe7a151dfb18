/**
 * Where a zygote's Unix socket lives: a directory only this user can enter
 * (mkdtemp makes it 0700), named after this process so that one left behind
 * by a process killed before it could clean up (a test worker, say) is
 * removed by the next one.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'parley-decoders-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

function removeStaleDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = Number.parseInt(name.slice(PREFIX.length), 10);
    if (owner && owner !== process.pid && !isAlive(owner))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** A fresh private directory; remove it with `rmSync(dir, { recursive: true })` when done. */
export function createPrivateSocketDir(): string {
  removeStaleDirs();
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}
