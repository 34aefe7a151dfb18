/** The scenario routes sit behind the /api token like every other API route. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { silentLogger } from '../../engine/core/Logger.ts';
import { createServer, type ParleyServer } from '../../server/createServer.ts';

describe('/api/scenarios with PARLEY_TOKEN set', () => {
  let dir: string;
  let server: ParleyServer;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-scenario-auth-'));
    server = createServer({
      registry: createDefaultRegistry(),
      graphsDir: dir,
      env: {},
      token: 'sesame',
      logger: silentLogger,
      editorDir: path.join(dir, 'no-editor'),
      watch: false,
      scenarios: { dir: path.join(dir, 'scenarios') },
    });
    ({ url } = await server.listen(0, '127.0.0.1'));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a request without the token and answers one with it', async () => {
    for (const [method, route] of [
      ['GET', '/api/scenarios'],
      ['POST', '/api/scenarios/runs'],
      ['POST', '/api/scenarios/talk-recordings'],
    ])
      expect((await fetch(url + route, { method })).status, `${method} ${route}`).toBe(401);
    const res = await fetch(`${url}/api/scenarios`, {
      headers: { authorization: 'Bearer sesame' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ suites: [] });
  });
});
