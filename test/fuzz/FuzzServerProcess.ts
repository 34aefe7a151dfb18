/**
 * The server under fuzz as a child process (fuzzServer.ts under tsx). Keeps
 * its stderr — pino JSON lines, and the plain-text trace Node prints when an
 * error kills it — numbered, so each case can be handed exactly the lines
 * that appeared while it ran; notices when the process exits; asks
 * /api/health with a deadline, so a frozen event loop shows as a timeout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';

const TSX = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
const ENTRY = path.resolve(import.meta.dirname, 'fuzzServer.ts');
/** Lines kept for failure messages; a fuzz run logs warnings by the thousand. */
const MAX_KEPT_LINES = 4000;

/** Key of the line the server echoes on stderr for `sync N` on its stdin (see `syncLog`). */
export const LOG_SYNC = 'fuzzLogSync';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type HealthAnswer =
  | { status: number; body: unknown; ms: number }
  | { error: string; ms: number };

export interface LogLine {
  /** Position among all stderr lines since start; compare with `logMark`. */
  index: number;
  text: string;
  /** pino level (50 error, 60 fatal), or undefined for a line that is not pino JSON (e.g. a crash trace). */
  level: number | undefined;
}

export class FuzzServerProcess {
  exit: ServerExit | undefined;
  private readonly lines: LogLine[] = [];
  private lineCount = 0;
  private syncs = 0;
  private readonly syncWaiters = new Map<number, () => void>();
  private readonly exited: Promise<ServerExit>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly url: string,
    private readonly graphsDir: string,
  ) {
    readline.createInterface({ input: child.stderr }).on('line', (text) => this.keep(text));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static start(timeoutMs = 20_000): Promise<FuzzServerProcess> {
    const child = spawn(TSX, [ENTRY], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    return new Promise((resolve, reject) => {
      const early: string[] = [];
      const onEarlyStderr = (bytes: Buffer) => early.push(bytes.toString());
      child.stderr.on('data', onEarlyStderr);
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`fuzz server did not start: ${why}\n${early.join('').slice(-4000)}`));
      };
      const timer = setTimeout(() => fail(`no URL within ${timeoutMs} ms`), timeoutMs);
      child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
      readline.createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stderr.off('data', onEarlyStderr);
        const { url, graphsDir } = JSON.parse(line) as { url: string; graphsDir: string };
        const server = new FuzzServerProcess(child, url, graphsDir);
        for (const text of early.join('').split('\n').filter(Boolean)) server.keep(text);
        resolve(server);
      });
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws');
  }

  /** Index of the next stderr line: pass it to `linesSince` to get what a case caused. */
  get logMark(): number {
    return this.lineCount;
  }

  linesSince(mark: number): LogLine[] {
    return this.lines.filter((l) => l.index >= mark);
  }

  /** Lines that tell of a bug: pino `error`/`fatal`, and anything that is not a log line at all (a crash trace). */
  troubleSince(mark: number): LogLine[] {
    return this.linesSince(mark).filter((l) => l.level === undefined || l.level >= 50);
  }

  tail(count = 40): string {
    return this.lines
      .slice(-count)
      .map((l) => l.text)
      .join('\n');
  }

  /**
   * Resolves once every line the server wrote to stderr before now has been
   * read (or after `timeoutMs`: a frozen or dead server echoes nothing). A
   * stall report written just before a health answer would otherwise be
   * charged to the next case.
   */
  syncLog(timeoutMs = 2000): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const n = ++this.syncs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.syncWaiters.delete(n);
        resolve();
      }, timeoutMs);
      this.syncWaiters.set(n, () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stdin.write(`sync ${n}\n`);
    });
  }

  async health(timeoutMs = 3000): Promise<HealthAnswer> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: res.status, body, ms: performance.now() - started };
    } catch (error) {
      return {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        ms: performance.now() - started,
      };
    }
  }

  /** Resolves true once the process has exited, false after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Closing stdin asks the server to exit; SIGKILL if it does not. */
  async stop(): Promise<void> {
    if (this.alive) {
      this.child.stdin.end();
      if (!(await this.waitExit(3000))) {
        this.child.kill('SIGKILL');
        await this.waitExit(3000);
      }
    }
    await rm(this.graphsDir, { recursive: true, force: true });
  }

  private keep(text: string): void {
    const sync = /^\{"fuzzLogSync":(\d+)\}$/.exec(text);
    if (sync) {
      const n = Number(sync[1]);
      this.syncWaiters.get(n)?.();
      this.syncWaiters.delete(n);
      return;
    }
    const index = this.lineCount++;
    this.lines.push({ index, text, level: pinoLevel(text) });
    if (this.lines.length > MAX_KEPT_LINES)
      this.lines.splice(0, this.lines.length - MAX_KEPT_LINES);
  }
}

function pinoLevel(text: string): number | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(text) as { level?: unknown }).level;
    return typeof level === 'number' ? level : undefined;
  } catch {
    return undefined;
  }
}
