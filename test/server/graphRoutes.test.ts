import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

type Json = Record<string, unknown>;

function echoGraph(overrides: { prefix?: string; replyMs?: number } = {}) {
  return {
    version: 1,
    name: 'echo',
    nodes: [
      { id: 'in', type: 'transport.input', config: {} },
      { id: 'ear', type: 'test.echo-ear', config: {} },
      {
        id: 'bot',
        type: 'test.echo-bot',
        config: { prefix: overrides.prefix ?? 'echo', replyMs: overrides.replyMs ?? 300 },
      },
      { id: 'out', type: 'transport.output', config: {} },
    ],
    edges: [
      { id: 'a', source: 'in', target: 'ear' },
      { id: 'b', source: 'ear', target: 'bot' },
      { id: 'c', source: 'bot', target: 'out' },
    ],
  };
}

describe('graph REST API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists graphs with revision, description and update time', async () => {
    const { status, body } = await t.api('GET', '/api/graphs');
    expect(status).toBe(200);
    const echo = (body as Json[]).find((g) => g.name === 'echo')!;
    expect(echo).toMatchObject({ name: 'echo', description: expect.stringContaining('echo bot') });
    expect(echo.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(echo.updatedAt as string)).not.toBeNaN();
  });

  it('creates, reads, updates with revisions, and deletes', async () => {
    const created = await t.api('POST', '/api/graphs', { name: 'crud', graph: echoGraph() });
    expect(created.status).toBe(201);
    const rev1 = (created.body as Json).revision as string;
    expect(rev1).toMatch(/^[0-9a-f]{16}$/);

    expect((await t.api('POST', '/api/graphs', { name: 'crud', graph: echoGraph() })).status).toBe(
      409,
    );

    const got = await t.api('GET', '/api/graphs/crud');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name: 'crud',
      revision: rev1,
      graph: { nodes: expect.any(Array) },
    });

    const put = await t.api('PUT', '/api/graphs/crud', {
      graph: echoGraph({ prefix: 'two' }),
      revision: rev1,
    });
    expect(put.status).toBe(200);
    const rev2 = (put.body as Json).revision as string;
    expect(rev2).not.toBe(rev1);
    expect(put.body).toMatchObject({ name: 'crud', reload: { sessions: [] } });

    const stale = await t.api('PUT', '/api/graphs/crud', {
      graph: echoGraph({ prefix: 'three' }),
      revision: rev1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      error: expect.stringContaining('changed'),
      currentRevision: rev2,
    });

    expect((await t.api('DELETE', '/api/graphs/crud')).status).toBe(204);
    expect((await t.api('GET', '/api/graphs/crud')).status).toBe(404);
    expect((await t.api('DELETE', '/api/graphs/crud')).status).toBe(404);
    expect(
      (await t.api('PUT', '/api/graphs/crud', { graph: echoGraph(), revision: rev2 })).status,
    ).toBe(404);
  });

  it('refuses invalid graphs with 400 naming node ids and JSON paths', async () => {
    const bad = echoGraph();
    bad.nodes[2].config = { replyMs: -5 } as never;
    const res = await t.api('POST', '/api/graphs', { name: 'bad', graph: bad });
    expect(res.status).toBe(400);
    const errors = (res.body as { errors: Json[] }).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'bot', path: 'nodes[2].config.replyMs' }),
      ]),
    );

    const unknownType = echoGraph();
    unknownType.nodes[1].type = 'no.such';
    const put = await t.api('PUT', '/api/graphs/echo', {
      graph: unknownType,
      revision: 'whatever',
    });
    expect(put.status).toBe(400);
    expect((put.body as { errors: Json[] }).errors[0]).toMatchObject({
      nodeId: 'ear',
      path: 'nodes[1].type',
      code: 'unknown-node-type',
    });
  });

  it('validates without saving', async () => {
    const ok = await t.api('POST', '/api/graphs/validate', { graph: echoGraph() });
    expect(ok).toMatchObject({ status: 200, body: { ok: true, errors: [], warnings: [] } });
    const bad = echoGraph();
    bad.edges.push({ id: 'loop', source: 'bot', target: 'ear' });
    const res = await t.api('POST', '/api/graphs/validate', { graph: bad });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ code: 'cycle', path: 'edges[3]' })],
    });
  });

  it('keeps versions and restores one', async () => {
    const a = (
      await t.api('POST', '/api/graphs', { name: 'versioned', graph: echoGraph({ prefix: 'a' }) })
    ).body as Json;
    await new Promise((r) => setTimeout(r, 5));
    const b = (
      await t.api('PUT', '/api/graphs/versioned', {
        graph: echoGraph({ prefix: 'b' }),
        revision: a.revision,
      })
    ).body as Json;
    const versions = (await t.api('GET', '/api/graphs/versioned/versions')).body as Json[];
    expect(versions.map((v) => v.revision)).toEqual([b.revision, a.revision]);
    expect(Date.parse(versions[0].savedAt as string)).not.toBeNaN();

    const old = await t.api('GET', `/api/graphs/versioned/versions/${a.revision as string}`);
    expect(old.body).toMatchObject({
      graph: {
        nodes: expect.arrayContaining([
          expect.objectContaining({ config: expect.objectContaining({ prefix: 'a' }) }),
        ]),
      },
    });

    const restored = await t.api(
      'POST',
      `/api/graphs/versioned/versions/${a.revision as string}/restore`,
    );
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      name: 'versioned',
      revision: a.revision,
      reload: { sessions: [] },
    });
    const current = (await t.api('GET', '/api/graphs/versioned')).body as Json;
    expect(current.revision).toBe(a.revision);
    expect(
      ((await t.api('GET', '/api/graphs/versioned/versions')).body as Json[])[0].revision,
    ).toBe(a.revision);

    expect(
      (await t.api('POST', '/api/graphs/versioned/versions/0123456789abcdef/restore')).status,
    ).toBe(404);
    expect((await t.api('POST', '/api/graphs/versioned/versions/..%2F..%2Fx/restore')).status).toBe(
      400,
    );
    expect((await t.api('GET', '/api/graphs/nothing-here/versions')).status).toBe(404);
  });

  it('refuses names that could escape the store', async () => {
    for (const name of ['../etc', '..', '.versions', 'a/b', 'a.json', '', ' x', 'x'.repeat(65)]) {
      const res = await t.api('POST', '/api/graphs', { name, graph: echoGraph() });
      expect(res.status, name).toBe(400);
    }
    for (const route of [
      '/api/graphs/..%2F..%2Fetc%2Fpasswd',
      '/api/graphs/.versions',
      '/api/graphs/%2e%2e',
      '/api/graphs/a.b',
    ]) {
      const res = await t.api('GET', route);
      expect([400, 404], route).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain('root:');
    }
  });

  it('lists node types with credential presence but never values', async () => {
    const t2 = await startTestServer({ env: { TEST_API_KEY: 'sk-secret-value-123' } });
    try {
      const { status, body } = await t2.api('GET', '/api/node-types');
      expect(status).toBe(200);
      const types = body as Json[];
      expect(types.find((x) => x.type === 'test.keyed')).toMatchObject({
        credentials: ['TEST_API_KEY'],
        credentialsPresent: { TEST_API_KEY: true },
      });
      expect(types.find((x) => x.type === 'test.echo-bot')).toMatchObject({
        credentialsPresent: {},
        liveKeys: ['prefix'],
        configSchema: expect.any(Object),
      });
      expect(JSON.stringify(body)).not.toContain('sk-secret-value-123');
      // Latency declarations travel as data, for the editor's static estimate; a type without one has none.
      expect(types.find((x) => x.type === 'vad.silero')!.latency).toEqual([
        expect.objectContaining({
          stage: 'vad',
          fromConfig: { key: 'stopMs', stepMs: 32 },
          typicalMs: 320,
          source: expect.stringMatching(/stopMs/),
        }),
      ]);
      expect(types.find((x) => x.type === 'test.echo-bot')).not.toHaveProperty('latency');
    } finally {
      await t2.close();
    }
    const { body } = await t.api('GET', '/api/node-types');
    expect((body as Json[]).find((x) => x.type === 'test.keyed')).toMatchObject({
      credentialsPresent: { TEST_API_KEY: false },
    });
  });

  it('lists sessions (none yet) and 404s unknown ones and unknown API routes', async () => {
    expect(await t.api('GET', '/api/sessions')).toEqual({ status: 200, body: [] });
    expect((await t.api('GET', '/api/sessions/nope')).status).toBe(404);
    expect((await t.api('DELETE', '/api/sessions/nope')).status).toBe(404);
    expect((await t.api('GET', '/api/nope')).status).toBe(404);
  });

  it('records graph files edited on disk as new versions (the watcher)', async () => {
    const file = path.join(t.dir, 'echo.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as Json;
    doc.description = 'edited by hand';
    await writeFile(file, JSON.stringify(doc));
    const after = (await t.api('GET', '/api/graphs/echo')).body as Json;
    expect(after).toMatchObject({ graph: { description: 'edited by hand' } });
    const versions = async () =>
      ((await t.api('GET', '/api/graphs/echo/versions')).body as Json[]).map(
        (v) => v.revision as string,
      );
    await waitFor(
      async () => (await versions()).includes(after.revision as string),
      3000,
      'watcher to record the version',
    );
  });
});
