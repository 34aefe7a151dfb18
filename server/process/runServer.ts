/**
 * One Parley server process: builds the server from the environment, listens, and
 * handles the stop signals. `server/main.ts` runs it with the built-in nodes; tests run
 * worker processes through it with their own node types.
 *
 * SIGTERM (an orchestrator's stop) drains: no new calls, live ones get
 * PARLEY_DRAIN_TIMEOUT_MS (default 25 s, inside Kubernetes' default 30 s grace) to finish.
 * SIGINT (Ctrl-C) closes at once. A second signal of either kind exits now.
 */
import path from 'node:path';
import { createLogger, type NodeRegistry } from '#engine';
import { createServer, type ParleyServer } from '../createServer.ts';
import { installLastLineOfDefence } from './lastLineOfDefence.ts';

export async function runServer(registry: NodeRegistry): Promise<void> {
  const env = process.env;
  const logger = createLogger();
  const escapedErrors = installLastLineOfDefence(logger);
  let server: ParleyServer;
  let drainTimeoutMs: number;
  try {
    drainTimeoutMs = drainTimeoutFromEnv(env.PARLEY_DRAIN_TIMEOUT_MS);
    server = createServer({
      escapedErrors,
      registry,
      graphsDir: path.resolve(env.GRAPHS_DIR ?? 'graphs'),
      env,
      logger,
    });
    const { url } = await server.listen(Number(env.PORT ?? 3000), env.HOST ?? '127.0.0.1');
    console.log(`Parley is running at ${url}`);
  } catch (error) {
    // A server that cannot start must say why and exit, not linger half-built.
    logger.error({ err: error }, 'parley could not start');
    console.error(`Parley could not start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, signal === 'SIGTERM' ? 'draining' : 'shutting down');
      const done = signal === 'SIGTERM' ? server.drain(drainTimeoutMs) : server.close();
      void done.then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

function drainTimeoutFromEnv(raw: string | undefined): number {
  if (raw === undefined) return 25_000;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`PARLEY_DRAIN_TIMEOUT_MS must be a number of milliseconds ≥ 0, got "${raw}"`);
  return ms;
}
