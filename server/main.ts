/**
 * `npx tsx server/main.ts`: serves the graphs in GRAPHS_DIR (default ./graphs)
 * on HOST:PORT (default 127.0.0.1:3000).
 */
import path from 'node:path';
import { createDefaultRegistry, createLogger } from '#engine';
import { createServer } from './createServer.ts';
import { installLastLineOfDefence } from './process/lastLineOfDefence.ts';

const logger = createLogger();
const escapedErrors = installLastLineOfDefence(logger);
const server = createServer({
  escapedErrors,
  registry: createDefaultRegistry(),
  graphsDir: path.resolve(process.env.GRAPHS_DIR ?? 'graphs'),
  env: process.env,
  logger,
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const { url } = await server.listen(port, host);
console.log(`Parley is running at ${url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  });
}
