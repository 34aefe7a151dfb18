/**
 * A real Parley server (`createServer`) for the suite, on 127.0.0.1, with its graphs in a
 * temporary directory. All the bench's clients come from one address, so the per-address
 * WebRTC offer rate (60 a minute, bursts of 20 by default) is raised: a step opens up to
 * 50 sessions at once, which in production would be 50 users' addresses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type NodeRegistry, silentLogger } from '#engine';
import { createServer, type ParleyServer } from '../../../server/createServer.ts';

export interface BenchServer {
  server: ParleyServer;
  url: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startBenchServer(
  registry: NodeRegistry,
  graphs: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-webrtc-bench-'));
  for (const [name, graph] of Object.entries(graphs))
    await writeFile(path.join(dir, `${name}.json`), JSON.stringify(graph));
  const server = createServer({
    registry,
    graphsDir: dir,
    env: {
      ...env,
      PARLEY_WEBRTC_OFFERS_PER_MIN: '100000',
      PARLEY_WEBRTC_OFFER_BURST: '1000',
      // The server's own turn records (voice-to-voice from the VAD's end of speech), to split
      // a client-side figure into server and transport parts.
      ...(process.env.PARLEY_TURN_LOG_DIR && {
        PARLEY_TURN_LOG_DIR: process.env.PARLEY_TURN_LOG_DIR,
      }),
    },
    logger: silentLogger,
    editorDir: path.join(dir, 'no-editor'),
    watch: false,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    server,
    url,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (≤ 5 s) for every session to end after the clients closed, then lets the loop settle. */
export async function sessionsGone(
  server: ParleyServer,
  log: (line: string) => void,
): Promise<void> {
  const start = performance.now();
  while (server.sessions.size > 0 && performance.now() - start < 5000) await sleep(20);
  if (server.sessions.size > 0) log(`    ${server.sessions.size} sessions still open after 5 s`);
  await sleep(300);
}
