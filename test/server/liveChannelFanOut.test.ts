import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSocket } from './helpers/LiveSocket.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

describe('/ws/live with many editors watching', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ liveIntervalMs: 50 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('adds one listener to the session manager and to each session however many watch, and drops them when the last leaves', async () => {
    const call = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const session = t.server.sessions.list()[0];
    const live = t.server.sessions.get(session.id)!;
    const framesBefore = live.listenerCount('frame');
    const lists = await Promise.all(
      Array.from({ length: 15 }, () => LiveSocket.open(`${t.wsUrl}/ws/live`)),
    );
    const watchers = await Promise.all(
      Array.from({ length: 15 }, () => LiveSocket.open(`${t.wsUrl}/ws/live?session=${session.id}`)),
    );
    // Past 10 listeners Node warns of a leak (MaxListenersExceededWarning): there must be one, not fifteen.
    expect(t.server.sessions.listenerCount('started')).toBe(1);
    expect(live.listenerCount('frame')).toBe(framesBefore + 1);

    // Every watcher still gets everything: the stats ticks and the turn.
    call.rtvi('send-text', { content: 'hello all' });
    await Promise.all(watchers.map((w) => w.waitFor('stats', (m) => m.nodes.bot !== undefined)));
    await Promise.all(watchers.map((w) => w.waitFor('hello')));
    const other = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    await Promise.all(lists.map((l) => l.waitFor('session.started')));

    for (const socket of [...lists, ...watchers]) socket.close();
    await waitFor(
      () =>
        t.server.sessions.listenerCount('started') === 0 &&
        live.listenerCount('frame') === framesBefore,
      3000,
      'the listeners to go',
    );
    await other.close();
    await call.close();
  });
});
