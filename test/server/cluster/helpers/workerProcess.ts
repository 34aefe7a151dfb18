/**
 * A real Parley worker process for cluster tests: `echoWorkerMain.ts` (the server runner
 * with the echo bot) started with its own environment, its URL read from its first line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ENTRY = path.resolve(import.meta.dirname, 'echoWorkerMain.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface WorkerProcess {
  id: string;
  url: string;
  child: ChildProcess;
  /** Everything the worker logged (pino JSON lines), for assertions and failure reports. */
  log: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

export async function startWorker(
  id: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_WORKER_ID: id,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${id} did not start: ${log.slice(-5).join('\n')}`)),
      timeoutMs,
    );
    let buffered = '';
    const onLine = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const started = /Parley is running at (\S+)/.exec(line);
        if (started) {
          clearTimeout(timer);
          resolve(started[1]);
        }
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`worker ${id} exited (${code}) before listening: ${log.slice(-5).join('\n')}`),
      );
    });
  });
  return { id, url, child, log, exited, kill: (signal) => child.kill(signal) };
}
