import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNANSWERED_WORKERS_HEADER } from '../../../server/http/sessionRoutes.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { waitFor } from '../helpers/testServer.ts';
import {
  type ClusterWorker,
  startTestCluster,
  type TestCluster,
  workerInfo,
} from './storeClusterHarness.ts';

interface ListedSession {
  id: string;
  graph: string;
  worker: string;
}

const TOKEN = 'cluster-secret';

/** The sessions API answers for the whole cluster, whichever worker is asked. */
describe('sessions across workers', () => {
  let c: TestCluster;
  let a: ClusterWorker;
  let b: ClusterWorker;
  let onA: RawPipecatSocket;
  let onB: RawPipecatSocket;
  let idOnA: string;
  let idOnB: string;

  const localIds = async (w: ClusterWorker) =>
    ((await w.api('GET', '/api/sessions?scope=local')).body as ListedSession[]).map((s) => s.id);

  beforeAll(async () => {
    // Workers share a token: what they ask each other must carry it.
    c = await startTestCluster({ workers: 2, token: TOKEN });
    [a, b] = c.workers;
    // A graph saved on A, run on B.
    const echo = (await a.api('GET', '/api/graphs/echo')).body as { graph: unknown };
    expect((await a.api('POST', '/api/graphs', { name: 'echo-b', graph: echo.graph })).status).toBe(
      201,
    );
    onA = await RawPipecatSocket.ready(`${a.wsUrl}/ws/pipecat?graph=echo&token=${TOKEN}`);
    onB = await RawPipecatSocket.ready(`${b.wsUrl}/ws/pipecat?graph=echo-b&token=${TOKEN}`);
    [idOnA] = await localIds(a);
    [idOnB] = await localIds(b);
  });
  afterAll(async () => {
    await onA?.close();
    await onB?.close();
    await c?.close();
  });

  it('lists every worker’s sessions, each with its worker, from any worker', async () => {
    for (const w of [a, b]) {
      const res = await w.api('GET', '/api/sessions');
      expect(res.status).toBe(200);
      expect(
        [...(res.body as ListedSession[])].sort((x, y) => x.worker.localeCompare(y.worker)),
      ).toEqual([
        expect.objectContaining({ id: idOnA, graph: 'echo', worker: 'A' }),
        expect.objectContaining({ id: idOnB, graph: 'echo-b', worker: 'B' }),
      ]);
    }
    // Asked for itself alone, a worker lists its own.
    expect(await localIds(a)).toEqual([idOnA]);
    // A cluster member's session ids name it.
    expect(idOnA).toMatch(/^A~[0-9a-f-]{36}$/);
    expect(idOnB).toMatch(/^B~[0-9a-f-]{36}$/);
  });

  it('answers about, and ends, a session another worker holds', async () => {
    const detail = await a.api('GET', `/api/sessions/${idOnB}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: idOnB, graph: 'echo-b', worker: 'B' });
    expect((detail.body as { nodes: string[] }).nodes.length).toBeGreaterThan(0);

    expect((await a.api('GET', '/api/sessions/no-such-session')).status).toBe(404);
    // A worker asked for itself alone does not ask around.
    expect((await a.api('GET', `/api/sessions/${idOnB}?scope=local`)).status).toBe(404);
    // A switch is forwarded with its body, and the holder's refusal comes back as it was.
    const switched = await a.api('POST', `/api/sessions/${idOnB}/graph`, { graph: 'nope' });
    expect(switched).toMatchObject({ status: 404, body: { error: "graph 'nope' not found" } });

    const ended = await a.api('DELETE', `/api/sessions/${idOnB}`);
    expect(ended.status).toBe(204);
    await waitFor(() => onB.closed !== undefined, 3000, 'the session on B to end');
    expect(await localIds(b)).toEqual([]);
  });

  it('names a worker that does not answer, and still lists the others in time', async () => {
    const sockets = new Set<Socket>();
    // Accepts connections and never answers: a worker that hangs.
    const requests: string[] = [];
    const hung: Server = createServer((socket) => {
      sockets.add(socket);
      // What it was asked (the request line), to tell lookups that reach it from those that do not.
      socket.on('data', (data) => requests.push(data.toString('latin1').split('\r\n')[0]));
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as { port: number };
    c.listed.push(workerInfo('C', `http://127.0.0.1:${port}`));
    try {
      const started = Date.now();
      const res = await fetch(`${b.url}/api/sessions`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.headers.get(UNANSWERED_WORKERS_HEADER)).toBe('C');
      expect(((await res.json()) as ListedSession[]).map((s) => s.worker)).toEqual(['A']);
      // Looking for a session still works past the hung worker, which is not even asked:
      // an id that names its worker is asked of that worker alone.
      expect(requests).toEqual(['GET /api/sessions?scope=local HTTP/1.1']);
      expect((await b.api('GET', `/api/sessions/${idOnA}`)).body).toMatchObject({ worker: 'A' });
      const goneFromA = 'A~00000000-0000-4000-8000-000000000000';
      expect((await b.api('GET', `/api/sessions/${goneFromA}`)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(requests).toHaveLength(1);
      // An id that names no worker is looked for everywhere, the hung worker included.
      expect((await b.api('GET', '/api/sessions/no-such-session')).status).toBe(404);
      await waitFor(() => requests.length > 1, 2000, 'the plain id to be asked of C');
      expect(requests[1]).toBe('GET /api/sessions/no-such-session?scope=local HTTP/1.1');
    } finally {
      c.listed.pop();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});
