import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone } from '../helpers/echoBotNodes.ts';
import { LiveSocket } from '../helpers/LiveSocket.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { waitFor } from '../helpers/testServer.ts';
import { type ClusterWorker, startTestCluster, type TestCluster } from './storeClusterHarness.ts';

interface GraphAnswer {
  revision: string;
  graph: { nodes: Array<{ id: string; config: Record<string, unknown> }> };
}

const TOKEN = 'cluster-secret';

/** The editor's live view of a session works through whichever worker it connects to. */
describe('live view of a session held by another worker', () => {
  let c: TestCluster;
  let a: ClusterWorker;
  let b: ClusterWorker;

  beforeAll(async () => {
    // Workers share a token: the relay must present it to the holder.
    c = await startTestCluster({ workers: 2, token: TOKEN });
    [a, b] = c.workers;
  });
  afterAll(async () => {
    await c?.close();
  });

  async function sessionOnB(): Promise<{ socket: RawPipecatSocket; id: string }> {
    const socket = await RawPipecatSocket.ready(`${b.wsUrl}/ws/pipecat?graph=echo&token=${TOKEN}`);
    const ids = (
      (await b.api('GET', '/api/sessions?scope=local')).body as Array<{ id: string }>
    ).map((s) => s.id);
    return { socket, id: ids[ids.length - 1] };
  }

  const openConnections = async (w: ClusterWorker) =>
    ((await w.api('GET', '/api/health')).body as { connections: number }).connections;

  it('relays B’s feed through A: hello, stats, turns, a reload deployed through A, the end', {
    timeout: 20_000,
  }, async () => {
    const { socket, id } = await sessionOnB();
    const live = await LiveSocket.open(`${a.wsUrl}/ws/live?session=${id}&token=${TOKEN}`);
    const closed = new Promise<number>((resolve) => live.ws.once('close', resolve));
    const hello = await live.waitFor('hello');
    expect(hello.session).toMatchObject({ id, graph: 'echo' });
    expect(hello.nodeIds).toEqual(['in', 'ear', 'bot', 'out']);
    await live.waitFor('stats', (m) => m.sessionId === id);

    // A voice turn on B: its latency record reaches the viewer on A.
    socket.sendAudio(tone(300, 16000, 300, 12000));
    socket.sendAudio(new Int16Array(16000 * 0.3));
    const turn = await live.waitFor('turn', (m) => m.record.voiceToVoiceMs !== undefined, 5000);
    expect(turn.sessionId).toBe(id);
    expect((await live.waitFor('stats', (m) => m.ttfbMs.bot === 12.5)).sessionId).toBe(id);

    const { graph, revision } = (await a.api('GET', '/api/graphs/echo')).body as GraphAnswer;
    graph.nodes.find((n) => n.id === 'bot')!.config.prefix = 'seen';
    const put = await a.api('PUT', '/api/graphs/echo', { graph, revision });
    expect(put.status).toBe(200);
    const next = (put.body as { revision: string }).revision;
    await live.waitFor('reload', (m) => m.revision === next, 5000);

    await socket.close();
    await live.waitFor('ended', (m) => m.sessionId === id, 5000);
    // B's close, passed on as it was.
    expect(await closed).toBe(1000);
  });

  it('closes the relay to B when the viewer leaves', async () => {
    const { socket, id } = await sessionOnB();
    try {
      const idle = await openConnections(b);
      const live = await LiveSocket.open(`${a.wsUrl}/ws/live?session=${id}&token=${TOKEN}`);
      await live.waitFor('hello');
      expect(await openConnections(b)).toBe(idle + 1);
      live.close();
      await waitFor(async () => (await openConnections(b)) === idle, 3000, 'B to drop the relay');
    } finally {
      await socket.close();
    }
  });

  it('says so when no worker holds the session', async () => {
    const live = await LiveSocket.open(`${a.wsUrl}/ws/live?session=nobody-has-this&token=${TOKEN}`);
    const closed = new Promise<number>((resolve) => live.ws.once('close', resolve));
    const error = await live.waitFor('error');
    expect(error.error).toMatch(/no live session 'nobody-has-this'/);
    expect(await closed).toBe(4404);
  });
});
