import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../engine/core/Logger.ts';
import {
  createServer,
  type ParleyServer,
  type ServerOptions,
} from '../../../server/createServer.ts';
import { echoRegistry } from './echoBotNodes.ts';

export const FIXTURE_GRAPHS = path.resolve(import.meta.dirname, '../../fixtures/graphs');

export interface TestServer {
  server: ParleyServer;
  url: string;
  wsUrl: string;
  dir: string;
  /** fetch against the server, JSON in and out. */
  api(
    method: string,
    route: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** A server on an ephemeral port over a temporary copy of test/fixtures/graphs, with the echo node types. */
export async function startTestServer(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-server-'));
  await cp(FIXTURE_GRAPHS, dir, { recursive: true });
  const server = createServer({
    registry: echoRegistry(),
    graphsDir: dir,
    env: {},
    logger: silentLogger,
    editorDir: path.join(dir, 'no-editor'),
    reloadQuietTimeoutMs: 500,
    ...overrides,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    server,
    url,
    dir,
    wsUrl: url.replace(/^http/, 'ws'),
    async api(method, route, body, headers = {}) {
      const res = await fetch(url + route, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
