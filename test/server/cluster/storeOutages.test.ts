import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VERSIONS, revisionOf, serialiseGraph } from '../../../server/store/graphText.ts';
import { redisGraphKeys } from '../../../server/store/redisGraphKeys.ts';
import { WRITE_GRAPH_SCRIPT } from '../../../server/store/redisGraphScripts.ts';
import { LiveSocket } from '../helpers/LiveSocket.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { waitFor } from '../helpers/testServer.ts';
import { type ClusterWorker, startTestCluster, type TestCluster } from './storeClusterHarness.ts';

interface GraphDoc {
  nodes: Array<{ id: string; config: Record<string, unknown> }>;
}
interface GraphAnswer {
  revision: string;
  graph: GraphDoc;
}

/** Redis going away and coming back, and deploys a worker could not hear. */
describe('the cluster graph store through Redis outages', () => {
  let c: TestCluster;
  let a: ClusterWorker;
  let b: ClusterWorker;
  let onB: RawPipecatSocket;
  let live: LiveSocket;

  beforeAll(async () => {
    c = await startTestCluster({ workers: 2 });
    [a, b] = c.workers;
    onB = await RawPipecatSocket.ready(`${b.wsUrl}/ws/pipecat?graph=echo`);
    const [session] = (await b.api('GET', '/api/sessions?scope=local')).body as Array<{
      id: string;
    }>;
    live = await LiveSocket.open(`${b.wsUrl}/ws/live?session=${session.id}`);
    await live.waitFor('hello');
  });
  afterAll(async () => {
    live?.close();
    await onB?.close();
    await c?.close();
  });

  async function current(worker: ClusterWorker): Promise<GraphAnswer> {
    const res = await worker.api('GET', '/api/graphs/echo');
    expect(res.status).toBe(200);
    return res.body as GraphAnswer;
  }

  function withPrefix(graph: GraphDoc, prefix: string): GraphDoc {
    const next = structuredClone(graph);
    next.nodes.find((n) => n.id === 'bot')!.config.prefix = prefix;
    return next;
  }

  async function deployThrough(worker: ClusterWorker, prefix: string): Promise<string> {
    const { graph, revision } = await current(worker);
    const put = await worker.api('PUT', '/api/graphs/echo', {
      graph: withPrefix(graph, prefix),
      revision,
    });
    expect(put.status).toBe(200);
    return (put.body as { revision: string }).revision;
  }

  /** Both workers reach Redis again and it holds the graphs (versions are read from Redis only). */
  async function storeIsBack(): Promise<void> {
    for (const w of [a, b])
      await waitFor(
        async () => (await w.api('GET', '/api/graphs/echo/versions')).status === 200,
        8000,
        `worker ${w.id} to reach the store again`,
      );
  }

  async function say(text: string): Promise<string> {
    const from = onB.messages.length;
    onB.rtvi('send-text', { content: text });
    return String((await onB.waitFor((m) => m.type === 'bot-llm-text', 3000, from)).data?.text);
  }

  it('announces a deploy made while a worker was not subscribed, once it is back', async () => {
    const { graph } = await current(a);
    const text = serialiseGraph(withPrefix(graph, 'unheard'));
    const revision = revisionOf(text);
    const keys = redisGraphKeys();
    const { revision: expected } = await current(a);
    // In one transaction: cut every subscriber, then save as some other worker would —
    // the announcement goes out while nobody listens, so only the resync can bring it.
    const replies = await c.admin.client
      .multi()
      .addCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      .eval(WRITE_GRAPH_SCRIPT, {
        keys: [keys.index, keys.graph('echo'), keys.versions('echo'), keys.versionTexts('echo')],
        arguments: [
          'echo',
          'update',
          expected,
          revision,
          text,
          String(MAX_VERSIONS),
          keys.channel,
          'worker-elsewhere',
        ],
      })
      .exec();
    expect(Number(replies[0])).toBeGreaterThanOrEqual(2); // both workers' subscribers were cut
    expect(replies[1]).toEqual(['ok', revision, expect.any(String), text]);

    await live.waitFor('reload', (m) => m.revision === revision, 5000);
    expect(await say('heard after all')).toBe('unheard: heard after all');
  });

  it('serves the last known graphs and refuses saves while Redis is down', {
    timeout: 20_000,
  }, async () => {
    const before = await current(a);
    await c.redis.stop();
    try {
      await waitFor(() => !a.redis.up && !b.redis.up, 5000, 'workers to notice Redis is gone');
      expect((await current(a)).revision).toBe(before.revision);
      expect(((await b.api('GET', '/api/graphs')).body as Array<{ name: string }>).length).toBe(3);

      const refused = await a.api('PUT', '/api/graphs/echo', {
        graph: withPrefix(before.graph, 'never'),
        revision: before.revision,
      });
      expect(refused.status).toBe(503);
      expect((refused.body as { error: string }).error).toMatch(
        /graph store \(Redis\) is unavailable/,
      );

      // New calls still start on the graphs this worker knows.
      const onA = await RawPipecatSocket.ready(`${a.wsUrl}/ws/pipecat?graph=echo`);
      const from = onA.messages.length;
      onA.rtvi('send-text', { content: 'offline' });
      await onA.waitFor((m) => m.type === 'bot-llm-text', 3000, from);
      await onA.close();
    } finally {
      await c.redis.start();
    }
  });

  it('after a Redis restart that lost everything, restores the graphs and deploys reach B again', {
    timeout: 20_000,
  }, async () => {
    await storeIsBack();
    // Something newer than the graphs directory, so a restore from the directory would show.
    const saved = await deployThrough(a, 'before restart');
    await live.waitFor('reload', (m) => m.revision === saved, 5000);
    const known = await current(b);
    expect(known.revision).toBe(saved);
    // This Redis keeps nothing on disk: it comes back empty, and the store comes back from
    // what the workers last knew.
    await c.redis.restart();
    await storeIsBack();
    expect((await current(a)).revision).toBe(known.revision);

    const revision = await deployThrough(a, 'after restart');
    await live.waitFor('reload', (m) => m.revision === revision, 5000);
    expect(await say('back')).toBe('after restart: back');
  });
});
