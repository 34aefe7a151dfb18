import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/core/Logger.ts';
import { GRAPH_LIMITS } from '../../engine/graph/graphBounds.ts';
import { errorHandler } from '../../server/http/errorHandler.ts';
import { MAX_REQUEST_JSON_DEPTH } from '../../server/http/rejectDeepJsonBody.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

type Json = Record<string, unknown>;

function chainGraph(length: number, ui?: unknown) {
  const nodes: Json[] = [
    { id: 'in', type: 'transport.input', config: {}, ...(ui === undefined ? {} : { ui }) },
  ];
  const edges: Json[] = [];
  let previous = 'in';
  for (let i = 0; i < length; i++) {
    const id = `ear${i}`;
    nodes.push({ id, type: 'test.echo-ear', config: {} });
    edges.push({ id: `e${i}`, source: previous, target: id });
    previous = id;
  }
  nodes.push({ id: 'out', type: 'transport.output', config: {} });
  edges.push({ id: 'last', source: previous, target: 'out' });
  return { version: 1, name: 'chain', nodes, edges };
}

/** `depth` nested arrays as JSON text, built without recursion. */
function nestedArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A request body `{ …fields, graph }` whose graph has `depth` nested arrays in the first node's `ui`, as text (JSON.stringify could not build it). */
function bodyWithDeepUi(depth: number, fields: Json = {}): string {
  const graph = JSON.stringify(chainGraph(1, { notes: 'DEEP' })).replace(
    '"DEEP"',
    nestedArrays(depth),
  );
  return JSON.stringify({ ...fields, graph: 'GRAPH' }).replace('"GRAPH"', graph);
}

describe('pathological JSON on the REST API: 400 naming the limit, never 500', () => {
  let t: TestServer;
  let revision: string;
  beforeAll(async () => {
    t = await startTestServer();
    const created = await t.api('POST', '/api/graphs', { name: 'target', graph: chainGraph(1) });
    revision = (created.body as Json).revision as string;
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a 5,000-node chain on validate, create and update', async () => {
    const graph = chainGraph(5000);
    const message = `graph has 5002 nodes; the limit is ${GRAPH_LIMITS.maxNodes}`;
    const validate = await t.api('POST', '/api/graphs/validate', { graph });
    expect(validate).toMatchObject({
      status: 400,
      body: { error: message, ok: false, errors: [{ code: 'too-large', path: 'nodes' }] },
    });
    expect(await t.api('POST', '/api/graphs', { name: 'chain', graph })).toMatchObject({
      status: 400,
      body: { error: message },
    });
    expect(await t.api('PUT', '/api/graphs/target', { graph, revision })).toMatchObject({
      status: 400,
      body: { error: message },
    });
    expect((await t.api('GET', '/api/graphs/chain')).status).toBe(404);
  });

  it('still validates a long chain inside the limit', async () => {
    const result = await t.api('POST', '/api/graphs/validate', {
      graph: chainGraph(GRAPH_LIMITS.maxNodes - 2),
    });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('refuses 200,000-deep ui nesting on validate, create and update', async () => {
    const bodyLimit = `request body nests deeper than ${MAX_REQUEST_JSON_DEPTH} levels of arrays and objects`;
    expect(await t.api('POST', '/api/graphs/validate', bodyWithDeepUi(200_000))).toMatchObject({
      status: 400,
      body: { error: bodyLimit },
    });
    expect(
      await t.api('POST', '/api/graphs', bodyWithDeepUi(200_000, { name: 'deep' })),
    ).toMatchObject({ status: 400, body: { error: bodyLimit } });
    expect(
      await t.api('PUT', '/api/graphs/target', bodyWithDeepUi(200_000, { revision })),
    ).toMatchObject({ status: 400, body: { error: bodyLimit } });
    expect((await t.api('GET', '/api/graphs/deep')).status).toBe(404);
  });

  it('names the node when a graph nests past the document limit but within the body limit', async () => {
    const result = await t.api('POST', '/api/graphs', bodyWithDeepUi(40, { name: 'deep' }));
    expect(result).toMatchObject({
      status: 400,
      body: { errors: [{ code: 'too-deep', nodeId: 'in' }] },
    });
    expect((result.body as Json).error).toMatch(
      /^node 'in': nodes\[0\]\.ui\.notes\[0\]\[0\]… nests deeper than 32 levels/,
    );
  });

  it('answers a 1 MB body of 500,000 nested arrays with 400 on every /api route that takes a body', async () => {
    const body = nestedArrays(500_000);
    for (const [method, route] of [
      ['POST', '/api/graphs/validate'],
      ['POST', '/api/graphs'],
      ['PUT', '/api/graphs/target'],
      ['POST', '/api/graphs/target/versions/0123456789abcdef/restore'],
      ['POST', '/api/sessions/nope/graph'],
      ['POST', '/api/no-such-route'],
    ]) {
      const result = await t.api(method, route, body);
      expect(result.status, `${method} ${route}`).toBeGreaterThanOrEqual(400);
      expect(result.status, `${method} ${route}`).toBeLessThan(500);
      expect((result.body as Json).error, `${method} ${route}`).toEqual(expect.any(String));
    }
    expect((await t.api('GET', '/api/health')).status).toBe(200);
  });

  it('refuses a graph file on disk nested deeper than a graph may be (422, like broken JSON)', async () => {
    await writeFile(
      path.join(t.dir, 'handmade.json'),
      `{"version":1,"name":"h","nodes":[],"edges":[],"ui":${nestedArrays(100_000)}}`,
    );
    const got = await t.api('GET', '/api/graphs/handmade');
    expect(got).toMatchObject({
      status: 422,
      body: {
        error: expect.stringContaining('nests deeper than 32 levels'),
        revision: expect.any(String),
      },
    });
    const list = await t.api('GET', '/api/graphs');
    expect(list.status).toBe(200);
    expect((list.body as Json[]).find((g) => g.name === 'handmade')).toMatchObject({
      error: expect.stringContaining('nests deeper'),
    });
  });
});

describe('errorHandler', () => {
  it('turns a stack overflow from nested input into a 400, not a 500', () => {
    let answer: { status?: number; body?: unknown } = {};
    const res = {
      headersSent: false,
      status(code: number) {
        answer.status = code;
        return this;
      },
      json(body: unknown) {
        answer.body = body;
        return this;
      },
    } as unknown as Response;
    let overflow: unknown;
    const nest = (n: number): number => (n === 0 ? 0 : 1 + nest(n - 1));
    try {
      nest(1e7);
    } catch (error) {
      overflow = error;
    }
    errorHandler(silentLogger)(overflow, { path: '/api/x' } as Request, res, () => undefined);
    expect(answer).toEqual({
      status: 400,
      body: { error: 'request is nested too deeply to handle' },
    });
    answer = {};
    errorHandler(silentLogger)(
      new Error('boom'),
      { path: '/api/x' } as Request,
      res,
      () => undefined,
    );
    expect(answer.status).toBe(500);
  });
});
