import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSocket } from '../helpers/LiveSocket.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { markGraph, startTestCluster, type TestCluster } from './storeClusterHarness.ts';

interface GraphDoc {
  description?: string;
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
}
interface GraphAnswer {
  revision: string;
  graph: GraphDoc;
}

/** Two workers (A, B) on one Redis: a deploy through either reaches the other's live sessions. */
describe('the cluster graph store: one store, deploys that reach every worker', () => {
  let c: TestCluster;

  beforeAll(async () => {
    // Each worker's directory holds a different echo.json: only one of them may seed the store.
    c = await startTestCluster({
      workers: 2,
      prepareDir: (dir, id) => markGraph(dir, 'echo', `seeded by ${id}`),
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  const [a, b] = [() => c.workers[0], () => c.workers[1]];

  async function graphOn(worker: () => TestCluster['workers'][number]): Promise<GraphAnswer> {
    const res = await worker().api('GET', '/api/graphs/echo');
    expect(res.status).toBe(200);
    return res.body as GraphAnswer;
  }

  async function say(s: RawPipecatSocket, text: string): Promise<string> {
    const from = s.messages.length;
    s.rtvi('send-text', { content: text });
    const m = await s.waitFor((x) => x.type === 'bot-llm-text', 3000, from);
    return String(m.data?.text);
  }

  it('is seeded once however many workers start together, and both serve the same graphs', async () => {
    const [onA, onB] = await Promise.all([graphOn(a), graphOn(b)]);
    expect(onA.revision).toBe(onB.revision);
    expect(onA.graph.description).toMatch(/^seeded by [AB]$/);
    // One seed, one version: a second import would have added the other directory's echo.json.
    const versions = await a().api('GET', '/api/graphs/echo/versions');
    expect(versions.body).toEqual([{ revision: onA.revision, savedAt: expect.any(String) }]);
    const listA = (await a().api('GET', '/api/graphs')).body as Array<{ name: string }>;
    const listB = (await b().api('GET', '/api/graphs')).body as Array<{ name: string }>;
    expect(listA.map((g) => g.name)).toEqual(['echo', 'keyed', 'v1-voice-agent']);
    expect(listB).toEqual(listA);
  });

  it('hot-reloads a live session on B when the graph is saved through A', {
    timeout: 20_000,
  }, async () => {
    const before = await graphOn(a);
    const s = await RawPipecatSocket.ready(`${b().wsUrl}/ws/pipecat?graph=echo`);
    try {
      expect(await say(s, 'one')).toBe('echo: one');
      const [session] = (await b().api('GET', '/api/sessions?scope=local')).body as Array<{
        id: string;
        revision: string;
      }>;
      expect(session.revision).toBe(before.revision);
      const live = await LiveSocket.open(`${b().wsUrl}/ws/live?session=${session.id}`);
      await live.waitFor('hello');

      const next = structuredClone(before.graph);
      next.nodes.find((n) => n.id === 'bot')!.config.prefix = 'deployed';
      const put = await a().api('PUT', '/api/graphs/echo', {
        graph: next,
        revision: before.revision,
      });
      expect(put.status).toBe(200);
      const { revision } = put.body as { revision: string };
      expect(revision).not.toBe(before.revision);
      // A has no session of its own to report.
      expect(put.body).toMatchObject({ reload: { sessions: [] } });

      const reload = await live.waitFor('reload', (m) => m.revision === revision, 5000);
      expect(reload.nodes).toContainEqual(
        expect.objectContaining({ nodeId: 'bot', outcome: 'updated-live' }),
      );
      expect((await graphOn(b)).revision).toBe(revision);
      expect((await b().api('GET', `/api/sessions/${session.id}?scope=local`)).body).toMatchObject({
        revision,
      });
      expect(await say(s, 'two')).toBe('deployed: two');
      live.close();
    } finally {
      await s.close();
    }
  });

  it('refuses a save of a stale revision, from either worker, and lets one of two racing saves win', async () => {
    const current = await graphOn(b);
    const edit = (prefix: string) => {
      const g = structuredClone(current.graph);
      g.nodes.find((n) => n.id === 'bot')!.config.prefix = prefix;
      return g;
    };
    const [fromA, fromB] = await Promise.all([
      a().api('PUT', '/api/graphs/echo', { graph: edit('from A'), revision: current.revision }),
      b().api('PUT', '/api/graphs/echo', { graph: edit('from B'), revision: current.revision }),
    ]);
    const statuses = [fromA.status, fromB.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = (fromA.status === 200 ? fromA : fromB).body as { revision: string };
    const loser = (fromA.status === 409 ? fromA : fromB).body as { currentRevision: string };
    expect(loser.currentRevision).toBe(winner.revision);

    const stale = await a().api('PUT', '/api/graphs/echo', {
      graph: edit('late'),
      revision: current.revision,
    });
    expect(stale).toMatchObject({ status: 409, body: { currentRevision: winner.revision } });
  });

  it('shares creation, deletion, versions and restore', async () => {
    const echo = await graphOn(a);
    const created = await a().api('POST', '/api/graphs', { name: 'shared', graph: echo.graph });
    expect(created.status).toBe(201);
    expect(
      (await b().api('POST', '/api/graphs', { name: 'shared', graph: echo.graph })).status,
    ).toBe(409);
    expect((await b().api('GET', '/api/graphs/shared')).status).toBe(200);

    const versions = (await b().api('GET', '/api/graphs/echo/versions')).body as Array<{
      revision: string;
    }>;
    expect(versions[0].revision).toBe(echo.revision);
    const oldest = versions[versions.length - 1].revision;
    const restored = await b().api('POST', `/api/graphs/echo/versions/${oldest}/restore`);
    expect(restored).toMatchObject({ status: 200, body: { revision: oldest } });
    expect((await graphOn(a)).revision).toBe(oldest);

    expect((await b().api('DELETE', '/api/graphs/shared')).status).toBe(204);
    expect((await a().api('GET', '/api/graphs/shared')).status).toBe(404);
    // Versions outlive the graph, as on disk.
    expect(((await a().api('GET', '/api/graphs/shared/versions')).body as unknown[]).length).toBe(
      1,
    );
  });
});
