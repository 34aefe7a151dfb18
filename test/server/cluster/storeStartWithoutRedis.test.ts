import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSocket } from '../helpers/LiveSocket.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import {
  type ClusterWorker,
  markGraph,
  startTestCluster,
  startWorker,
  type TestCluster,
} from './storeClusterHarness.ts';

interface GraphAnswer {
  revision: string;
  graph: { description?: string };
}

/** A worker that starts while Redis is down runs its directory's graphs, then the cluster's. */
describe('a worker starting while Redis is down', () => {
  let c: TestCluster;
  let late: ClusterWorker | undefined;

  beforeAll(async () => {
    c = await startTestCluster({
      workers: 1,
      prepareDir: (dir) => markGraph(dir, 'echo', 'the cluster’s echo'),
    });
  });
  afterAll(async () => {
    await late?.close();
    await c?.close();
  });

  it('serves the graphs directory meanwhile, then reloads its sessions onto the cluster’s graphs', {
    timeout: 25_000,
  }, async () => {
    const cluster = (await c.workers[0].api('GET', '/api/graphs/echo')).body as GraphAnswer;
    // Kept on disk so the restarted Redis still holds the cluster's store.
    await c.admin.client.sendCommand(['SAVE']);
    await c.redis.stop();
    let call: RawPipecatSocket | undefined;
    let live: LiveSocket | undefined;
    try {
      late = await startWorker('Z', c.redis.url, c.listed, {
        waitForRedis: false,
        prepareDir: (dir) => markGraph(dir, 'echo', 'Z’s own echo'),
      });
      const own = (await late.api('GET', '/api/graphs/echo')).body as GraphAnswer;
      expect(own.graph.description).toBe('Z’s own echo');
      expect(own.revision).not.toBe(cluster.revision);
      // A call starts on Z's own graph while Redis is away…
      call = await RawPipecatSocket.ready(`${late.wsUrl}/ws/pipecat?graph=echo`);
      const [session] = (await late.api('GET', '/api/sessions?scope=local')).body as Array<{
        id: string;
        revision: string;
      }>;
      expect(session.revision).toBe(own.revision);
      live = await LiveSocket.open(`${late.wsUrl}/ws/live?session=${session.id}`);
      await live.waitFor('hello');
    } finally {
      await c.redis.start();
    }
    try {
      // …and is moved onto the cluster's revision once Z reaches Redis.
      await live.waitFor('reload', (m) => m.revision === cluster.revision, 10_000);
      const now = (await late.api('GET', '/api/graphs/echo')).body as GraphAnswer;
      expect(now).toMatchObject({
        revision: cluster.revision,
        graph: { description: 'the cluster’s echo' },
      });
    } finally {
      live.close();
      await call.close();
    }
  });
});
