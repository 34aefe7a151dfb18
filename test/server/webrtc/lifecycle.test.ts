import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';
import { canCollect, type LeakSnapshot, snapshot } from './leakProbe.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

const CYCLES = 100;
/** Peers at once: fast enough on 2 shared cores, and the teardown runs concurrently too. */
const BATCH = 10;
/** RSS growth allowed: tight after a forced GC, generous when the heap can't be collected. */
const RSS_BOUND_MB = canCollect ? 30 : 80;
const TIMEOUTS = {
  connectMs: 3000,
  dataChannelMs: 700,
  pingMs: 1000,
  gatheringMs: 1000,
  graceMs: 300,
};
/** 100 offers from 127.0.0.1 in seconds: above the per-address default. */
const ENV = { PARLEY_WEBRTC_OFFER_BURST: '1000', PARLEY_WEBRTC_OFFERS_PER_MIN: '6000' };

type Ending = 'disconnect' | 'vanish' | 'no-channel';

/** One client's life: connect, reach bot-ready (when it has a channel), then end as told. */
async function cycle(t: TestServer, ending: Ending): Promise<void> {
  const c = new SmallWebRtcClient({
    url: t.url,
    graph: 'echo',
    pingMs: 200,
    noDataChannel: ending === 'no-channel',
  });
  try {
    expect((await c.connect()).status).toBe(200);
    if (ending === 'no-channel') {
      // Never opens "chat": the server gives up dataChannelMs after connected.
      await waitFor(() => t.server.webrtc.get(c.pcId ?? '') === undefined, 5000, 'peer dropped');
      return;
    }
    await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
    c.rtvi('client-ready', {});
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    if (ending === 'vanish') {
      await c.vanish();
      await waitFor(() => t.server.webrtc.get(c.pcId ?? '') === undefined, 5000, 'peer gone');
    }
  } finally {
    await c.close();
  }
}

async function runCycles(t: TestServer, endings: (i: number) => Ending): Promise<void> {
  for (let i = 0; i < CYCLES; i += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, j) => cycle(t, endings(i + j)));
    await Promise.all(batch);
  }
}

/** Everything back to where it was: nothing per peer survives its close. */
async function expectBaseline(t: TestServer, base: LeakSnapshot): Promise<void> {
  await waitFor(() => t.server.webrtc.size === 0, 5000, 'registry empty');
  await waitFor(() => t.server.sessions.list().length === 0, 5000, 'sessions closed');
  // The server closes its pc 50 ms after the goodbye; werift then frees the UDP socket.
  await waitFor(() => snapshot().udp <= base.udp, 5000, 'UDP sockets freed');
  await waitFor(() => snapshot().timers <= base.timers + 2, 5000, 'timers cleared');
  await waitFor(() => snapshot().fds <= base.fds + 2, 5000, 'fds closed');
  const now = snapshot();
  expect(now.handles).toBeLessThanOrEqual(base.handles + 4);
  expect(now.rssMb - base.rssMb).toBeLessThan(RSS_BOUND_MB);
  const health = await t.api('GET', '/api/health');
  // `connections` is ConnectionAdmission's count: every slot was released.
  expect(health.body).toMatchObject({ connections: 0, sessions: 0 });
}

/** Connection life: repeated connect/disconnect leaves nothing behind; shutdown says goodbye. */
describe('WebRTC connection life', () => {
  it(`frees sockets, timers, peers, sessions and memory over ${CYCLES} clean cycles`, {
    timeout: 90_000,
  }, async () => {
    const t = await startTestServer({ env: ENV, webrtcTimeouts: TIMEOUTS });
    try {
      await cycle(t, 'disconnect'); // warm-up: werift, Opus WASM and the graph load once
      await waitFor(() => t.server.sessions.list().length === 0, 3000, 'warm-up closed');
      const base = snapshot();
      await runCycles(t, () => 'disconnect');
      await expectBaseline(t, base);
    } finally {
      await t.close();
    }
  });

  it(`leaks nothing over ${CYCLES} cycles of disconnects, vanished peers and unopened channels`, {
    timeout: 120_000,
  }, async () => {
    const t = await startTestServer({ env: ENV, webrtcTimeouts: TIMEOUTS });
    const endings: Ending[] = ['disconnect', 'vanish', 'no-channel'];
    try {
      await cycle(t, 'disconnect');
      await waitFor(() => t.server.sessions.list().length === 0, 3000, 'warm-up closed');
      const base = snapshot();
      await runCycles(t, (i) => endings[i % endings.length]);
      await expectBaseline(t, base);
    } finally {
      await t.close();
    }
  });

  it('says peerLeft to every peer and closes them when the server shuts down', {
    timeout: 15_000,
  }, async () => {
    const t = await startTestServer();
    const c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
    try {
      expect((await c.connect()).status).toBe(200);
      await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
      c.rtvi('client-ready', {});
      await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
      await t.close();
      expect(t.server.webrtc.size).toBe(0);
      await waitFor(
        () => c.signalling.some((m) => (m as { type?: string }).type === 'peerLeft'),
        2000,
        'peerLeft',
      );
    } finally {
      await c.close();
    }
  });
});
