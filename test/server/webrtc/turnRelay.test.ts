import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceServersFromEnv } from '../../../server/transports/webrtc/iceServers.ts';
import { type CoturnServer, startCoturn } from '../helpers/Coturn.ts';
import { startTestServer, type TestServer, waitFor } from '../helpers/testServer.ts';
import { SmallWebRtcClient } from './smallWebRtcClient.ts';

const candidateTypes = (sdp: string) =>
  new Set([...sdp.matchAll(/^a=candidate:.* typ (\w+)/gm)].map((m) => m[1]));

/**
 * Behind NAT: the server is given a TURN server with PARLEY_ICE_SERVERS (a real coturn on
 * loopback) and the client may use relayed candidates only, as a client behind a strict NAT
 * would. The call can then only work through TURN allocations.
 */
describe('WebRTC through a TURN server (coturn)', () => {
  let turn: CoturnServer;
  let t: TestServer;
  const clients: SmallWebRtcClient[] = [];

  beforeAll(async () => {
    turn = await startCoturn();
    const { url, username, credential } = turn;
    t = await startTestServer({
      env: { PARLEY_ICE_SERVERS: JSON.stringify([{ urls: url, username, credential }]) },
    });
  }, 20_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
    await turn?.stop();
  });

  it('relays media and the data channel when the client may only use TURN', {
    timeout: 30_000,
  }, async () => {
    const { url, username, credential } = turn;
    const c = new SmallWebRtcClient({
      url: t.url,
      graph: 'echo',
      iceServers: [{ urls: url, username, credential }],
      iceTransportPolicy: 'relay',
    });
    clients.push(c);
    const { status, body } = await c.connect();
    expect(status).toBe(200);
    // The server gathered a relayed candidate from PARLEY_ICE_SERVERS; the client offered
    // nothing else.
    expect(candidateTypes(String(body.sdp))).toContain('relay');
    expect([...candidateTypes(c.pc.localDescription?.sdp ?? '')]).toEqual(['relay']);

    await waitFor(() => c.channel?.readyState === 'open', 15_000, 'data channel open');
    c.rtvi('client-ready', {});
    await waitFor(() => c.messages.some((m) => m.type === 'bot-ready'), 5000, 'bot-ready');
    c.rtvi('send-text', { content: 'through the relay' });
    await waitFor(() => c.messages.some((m) => m.type === 'bot-output'), 5000, 'bot-output');
    expect(c.messages.find((m) => m.type === 'bot-output')?.data).toMatchObject({
      text: 'echo: through the relay',
    });
    // The bot's RTP clock runs through the relay too (one packet per 20 ms, silence or not).
    const before = c.rtp.length;
    await waitFor(() => c.rtp.length >= before + 25, 5000, 'bot RTP through TURN');
    // coturn made allocations with our credentials (client and server each hold one).
    // coturn allocated for both ends (the server's relayed candidate and the client's) with
    // our credentials, and media flowed over bound channels.
    const allocations = turn
      .log()
      .split('\n')
      .filter((line) => /user <parley>: incoming packet ALLOCATE processed, success/.test(line))
      .map((line) => /session (\d+)/.exec(line)?.[1]);
    expect(new Set(allocations).size).toBeGreaterThanOrEqual(2);
    expect(turn.log()).toMatch(/CHANNEL_BIND processed, success/);
  });
});

describe('PARLEY_ICE_SERVERS', () => {
  it('takes STUN and TURN entries, one URL per werift entry', () => {
    expect(iceServersFromEnv(undefined)).toEqual([]);
    expect(
      iceServersFromEnv(
        '[{"urls":"stun:s.example:3478"},{"urls":["turn:t.example","turns:t.example"],' +
          '"username":"u","credential":"p"}]',
      ),
    ).toEqual([
      { urls: 'stun:s.example:3478' },
      { urls: 'turn:t.example', username: 'u', credential: 'p' },
      { urls: 'turns:t.example', username: 'u', credential: 'p' },
    ]);
  });

  it('refuses a malformed value naming the entry, so the server stops at start-up', () => {
    expect(() => iceServersFromEnv('stun:x')).toThrow(/not valid JSON/);
    expect(() => iceServersFromEnv('{}')).toThrow(/must be a JSON array/);
    expect(() => iceServersFromEnv('[{"urls":42}]')).toThrow(/PARLEY_ICE_SERVERS\[0\]\.urls/);
    expect(() => iceServersFromEnv('[{"urls":"turn:x"},{"urls":"turn:y","username":1}]')).toThrow(
      /PARLEY_ICE_SERVERS\[1\]\.username/,
    );
  });
});
