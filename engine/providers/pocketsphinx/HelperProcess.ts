/**
 * A running pocketsphinx helper, however it was started: as a child process
 * of its own (`spawnHelper`), or forked from a zygote that has the models
 * loaded already (`ForkingLauncher`). The recognizer speaks the same protocol
 * to either.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { BiasReport } from './PocketsphinxProtocol.ts';

export type HelperExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export interface HelperProcess {
  readonly pid: number | undefined;
  /** Commands to the decoder (PocketsphinxProtocol frames). */
  readonly input: Writable;
  /** JSON lines from the decoder. */
  readonly output: Readable;
  /** The helper's own stderr; undefined for forked helpers, which share their zygote's. */
  readonly stderr: Readable | undefined;
  /** Called once, when the helper has ended. */
  onExit(listener: HelperExitListener): void;
  /** Ends it at once (SIGKILL). */
  kill(): void;
}

export interface HelperLauncher {
  /** Starts a helper; rejects when it cannot be started at all (not built, zygote failed to load). */
  launch(helperPath: string, args: readonly string[]): Promise<HelperProcess>;
  /**
   * Builds a bias model once for every helper this launcher starts later with the same
   * command line (a zygote's cache), so each of them switches to it instead of building
   * it. Launchers that start helpers afresh do not have it.
   */
  prepareBias?(
    helperPath: string,
    args: readonly string[],
    bias: { weight: number; arpa: string },
  ): Promise<BiasReport>;
}

/** The error for a helper binary that cannot be executed, with what to do about it. */
export function cannotStartError(helperPath: string, error: NodeJS.ErrnoException): Error {
  const hint = error.code === 'ENOENT' ? ' (not built? run scripts/build-native.sh)' : '';
  return new Error(`cannot start pocketsphinx helper ${helperPath}: ${error.message}${hint}`);
}

/** One process per helper: what a recognizer does on its own (models loaded by each). */
export const spawnHelper: HelperLauncher = {
  launch(helperPath, args) {
    const child = spawn(helperPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(cannotStartError(helperPath, error)),
      );
      child.once('spawn', () => {
        let exited = false;
        const listeners: HelperExitListener[] = [];
        const exit = (code: number | null, signal: NodeJS.Signals | null): void => {
          if (exited) return;
          exited = true;
          for (const listener of listeners) listener(code, signal);
        };
        child.on('exit', exit);
        // After a successful spawn 'error' means the process cannot be signalled or written: treat it as gone.
        child.on('error', () => exit(child.exitCode, child.signalCode));
        resolve({
          pid: child.pid,
          input: child.stdin,
          output: child.stdout,
          stderr: child.stderr,
          onExit: (listener) => listeners.push(listener),
          kill: () => child.kill('SIGKILL'),
        });
      });
    });
  },
};
