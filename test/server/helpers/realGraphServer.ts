import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import type { Frame } from '../../../engine/core/frames.ts';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { createServer, type ParleyServer } from '../../../server/createServer.ts';
import type { Session } from '../../../server/sessions/Session.ts';

export interface RealGraphServer {
  server: ParleyServer;
  url: string;
  wsUrl: string;
  /** Frames created in each session's graph, with performance.now() when seen. */
  frames: Array<{ session: Session; frame: Frame; at: number }>;
  close(): Promise<void>;
}

/** A server with the real built-in node types over a temporary GRAPHS_DIR holding `graphs`. */
export async function startRealGraphServer(
  graphs: Record<string, unknown>,
  env: Record<string, string | undefined> = {},
): Promise<RealGraphServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-real-'));
  for (const [name, graph] of Object.entries(graphs))
    await writeFile(path.join(dir, `${name}.json`), JSON.stringify(graph, null, 2));
  const server = createServer({
    registry: createDefaultRegistry(),
    graphsDir: dir,
    env,
    logger: silentLogger,
    editorDir: path.join(dir, 'no-editor'),
    watch: false,
  });
  const frames: RealGraphServer['frames'] = [];
  server.sessions.on('started', (session) =>
    session.on('frame', (frame) => frames.push({ session, frame, at: performance.now() })),
  );
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    server,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    frames,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of a graph document with some nodes' config overridden. */
export function withConfig<
  T extends { nodes: Array<{ id: string; config: Record<string, unknown> }> },
>(graph: T, overrides: Record<string, Record<string, unknown>>): T {
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      overrides[n.id] ? { ...n, config: { ...n.config, ...overrides[n.id] } } : n,
    ),
  };
}
