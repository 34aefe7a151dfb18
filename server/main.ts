/**
 * `npx tsx server/main.ts`: serves the graphs in GRAPHS_DIR (default ./graphs)
 * on HOST:PORT (default 127.0.0.1:3000). With REDIS_URL it joins a cluster
 * (docs/cluster.md).
 */
import { createDefaultRegistry } from '#engine';
import { runServer } from './process/runServer.ts';

await runServer(createDefaultRegistry());
