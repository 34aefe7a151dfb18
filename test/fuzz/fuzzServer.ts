/**
 * The server under fuzz, in a child process of its own: a crash shows up as
 * this process exiting (with its trace on stderr), not as a dead vitest
 * worker. Started by FuzzServerProcess with `tsx`; prints one JSON line
 * `{ "url": "http://127.0.0.1:PORT" }` on stdout once it listens, and logs
 * (pino JSON, `warn` and up) on stderr. Exits when its stdin closes, so a
 * killed test run never leaves it behind.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from '../../engine/core/Logger.ts';
import { createServer, type ServerOptions } from '../../server/createServer.ts';
import { echoRegistry } from '../server/helpers/echoBotNodes.ts';
import { FIXTURE_GRAPHS } from '../server/helpers/testServer.ts';
import { EVENT_LOOP_BLOCKED } from './eventLoopWatch.ts';
import { LOG_SYNC } from './FuzzServerProcess.ts';

// Synchronous writes: the log line of a fatal error must reach the parent before the process dies.
const logger: Logger = pino(
  { level: process.env.FUZZ_SERVER_LOG_LEVEL ?? 'warn' },
  pino.destination({ dest: 2, sync: true }),
);

/** Counts errors that escaped to the process instead of letting them kill it; undefined when the server has no such defence (yet). */
async function installDefence(): Promise<{ readonly count: number } | undefined> {
  try {
    const { installLastLineOfDefence } = await import('../../server/process/lastLineOfDefence.ts');
    return installLastLineOfDefence(logger);
  } catch (error) {
    logger.warn(
      { err: String(error) },
      'fuzz server: no last line of defence to install; an escaped error will end the process',
    );
    return undefined;
  }
}

const escapedErrors = await installDefence();
const graphsDir = await mkdtemp(path.join(tmpdir(), 'parley-fuzz-graphs-'));
await cp(FIXTURE_GRAPHS, graphsDir, { recursive: true });

// A variable, not a literal: `escapedErrors` is how the server learns the count for /api/health
// once createServer takes it; until then it is an extra field, ignored.
const options: ServerOptions & { escapedErrors?: { readonly count: number } } = {
  registry: echoRegistry(),
  graphsDir,
  env: {
    DEFAULT_GRAPH: 'echo',
    DEFAULT_REALTIME_GRAPH: 'echo',
    TWILIO_DEFAULT_GRAPH: 'echo',
    TWILIO_GREETING: '',
  },
  logger,
  editorDir: path.join(graphsDir, 'no-editor'),
  reloadQuietTimeoutMs: 500,
  escapedErrors,
};
const server = createServer(options);
const { url } = await server.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url, graphsDir })}\n`);

/**
 * Event-loop watchdog: a timer that should fire every 20 ms reports each time
 * it fired late by more than 100 ms, with the CPU time the process used
 * meanwhile — so the parent can tell a loop blocked by the server's own work
 * (CPU busy all along) from a process the OS did not schedule on a crowded
 * machine (CPU idle), and charge a freeze to the case that was running.
 * Nothing else would see a freeze that ends before the next health check.
 */
const TICK_MS = 20;
const REPORT_LATE_MS = 100;
let due = performance.now() + TICK_MS;
let cpuAtLastTick = process.cpuUsage();
setInterval(() => {
  const now = performance.now();
  const lateMs = now - due;
  const cpu = process.cpuUsage(cpuAtLastTick);
  if (lateMs > REPORT_LATE_MS)
    logger.warn(
      { blockedMs: Math.round(lateMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000) },
      EVENT_LOOP_BLOCKED,
    );
  due = now + TICK_MS;
  cpuAtLastTick = process.cpuUsage();
}, TICK_MS).unref();

// `sync N` on stdin is echoed on stderr: once the parent reads the echo, it has every log line written before it.
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  for (const [, n] of text.matchAll(/^sync (\d+)$/gm))
    process.stderr.write(`${JSON.stringify({ [LOG_SYNC]: Number(n) })}\n`);
});
process.stdin.on('end', () => process.exit(0));
