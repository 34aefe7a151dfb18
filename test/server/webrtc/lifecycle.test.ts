import { describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

const CYCLES = 20;

function udpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

/** Connection life: repeated connect/disconnect leaves nothing behind; shutdown says goodbye. */
describe('WebRTC connection life', () => {
  it(`frees sockets, peers and sessions over ${CYCLES} connect/disconnect cycles`, {
    timeout: 60_000,
  }, async () => {
    const t = await startTestServer();
    try {
      const baseline = udpSockets();
      for (let i = 0; i < CYCLES; i++) {
        const c = new SmallWebRtcClient({ url: t.url, graph: 'echo' });
        expect((await c.connect()).status).toBe(200);
        await waitFor(() => c.channel?.readyState === 'open', 5000, 'data channel open');
        c.rtvi('client-ready', {});
        await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
        await c.close();
        await waitFor(() => t.server.webrtc.size === 0, 3000, 'registry empty');
      }
      await waitFor(() => t.server.sessions.list().length === 0, 3000, 'sessions closed');
      // The server closes its pc 50 ms after the goodbye; werift then frees the UDP socket.
      await waitFor(() => udpSockets() <= baseline, 3000, 'UDP sockets freed');
      const health = await t.api('GET', '/api/health');
      expect(health.body).toMatchObject({ connections: 0, sessions: 0 });
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
