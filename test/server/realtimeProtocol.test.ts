import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone } from './helpers/echoBotNodes.ts';
import { RawRealtimeSocket } from './helpers/RawRealtimeSocket.ts';
import { playInRealTime, REALTIME_RATE, silence24k, toBase64 } from './helpers/realtimeSpeech.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

const TOKEN = 'realtime-token-7c2e91';

/** Status of a WebSocket upgrade, without completing it into a session. */
async function upgradeStatus(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): Promise<number> {
  try {
    const socket = await RawRealtimeSocket.open(url, protocols, { headers });
    await socket.close();
    return 101;
  } catch (error) {
    const match = /Unexpected server response: (\d+)/.exec(String(error));
    if (match) return Number(match[1]);
    throw error;
  }
}

/** Protocol-level behaviour of /v1/realtime with a raw client, on the echo test graph (no models). */
describe('/v1/realtime protocol', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers every malformed event with an error naming the problem, and the session goes on', {
    timeout: 20_000,
  }, async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo`);
    const cases: Array<{
      send: Record<string, unknown> | string | Buffer;
      expect: Partial<{ code: string | null; param: string | null; event_id: string | null }>;
      message: RegExp;
    }> = [
      {
        send: '{"type": "session.update", ',
        expect: { code: 'invalid_json' },
        message: /not valid JSON/,
      },
      {
        send: '[1, 2, 3]',
        expect: { code: 'invalid_event' },
        message: /must be a JSON object with a string "type"/,
      },
      {
        send: { type: 'response.launch_rockets', event_id: 'evt_u1' },
        expect: { code: 'unknown_event_type', event_id: 'evt_u1' },
        message: /unsupported event type 'response\.launch_rockets'/,
      },
      {
        send: { event_id: 'evt_u2' },
        expect: { code: 'invalid_event', event_id: 'evt_u2' },
        message: /must be a JSON object with a string "type"/,
      },
      {
        send: { type: 'input_audio_buffer.append', event_id: 'evt_a1' },
        expect: { code: 'invalid_value', param: 'audio', event_id: 'evt_a1' },
        message: /'input_audio_buffer\.append': audio:/,
      },
      {
        send: { type: 'input_audio_buffer.append', audio: 'not base64!!', event_id: 'evt_a2' },
        expect: { code: 'invalid_value', param: 'audio', event_id: 'evt_a2' },
        message: /not valid base64/,
      },
      {
        send: {
          type: 'input_audio_buffer.append',
          audio: Buffer.from([1, 2, 3]).toString('base64'),
        },
        expect: { code: 'invalid_value', param: 'audio' },
        message: /whole 16-bit samples/,
      },
      {
        send: {
          type: 'conversation.item.truncate',
          item_id: 'item_x',
          content_index: 0,
          audio_end_ms: -5,
        },
        expect: { code: 'invalid_value', param: 'audio_end_ms' },
        message: /'conversation\.item\.truncate': audio_end_ms:/,
      },
      {
        send: { type: 'conversation.item.retrieve', item_id: 'item_nope' },
        expect: { code: 'item_not_found', param: 'item_id' },
        message: /no item with id 'item_nope'/,
      },
      {
        send: { type: 'response.cancel', event_id: 'evt_c1' },
        expect: { code: 'response_cancel_not_active', event_id: 'evt_c1' },
        message: /no active response/,
      },
      {
        send: { type: 'session.update', session: { type: 'transcription' } },
        expect: { param: 'session.type' },
        message: /session type 'transcription' is not supported/,
      },
      {
        send: { type: 'input_audio_buffer.append', audio: 'A'.repeat(1_500_000) },
        expect: { code: 'message_too_large' },
        message: /event of 1500\d+ bytes exceeds the limit of 1048576/,
      },
      {
        send: Buffer.from([0x00, 0x01, 0x02]),
        expect: { code: 'invalid_event' },
        message: /binary messages are not part of the Realtime protocol/,
      },
    ];
    for (const c of cases) {
      const error = await s.sendForError(c.send);
      expect(error, JSON.stringify(c.send).slice(0, 80)).toMatchObject({
        type: 'invalid_request_error',
        ...c.expect,
      });
      expect(error.message).toMatch(c.message);
    }
    // Still alive: a valid event is answered, and the server serves other requests.
    const from = s.log.mark;
    s.send({ type: 'input_audio_buffer.clear' });
    await s.log.next('input_audio_buffer.cleared', { from });
    expect((await t.api('GET', '/api/health')).body).toMatchObject({ ok: true, sessions: 1 });
    expect(s.closed).toBeUndefined();
    await s.close();
  });

  it('closes only the offending socket for a frame beyond the hard limit', {
    timeout: 20_000,
  }, async () => {
    const other = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo`);
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo`);
    s.send('x'.repeat(5 * 1024 * 1024));
    expect((await s.waitClosed()).code).toBe(1009);
    const from = other.log.mark;
    other.send({ type: 'input_audio_buffer.clear' });
    await other.log.next('input_audio_buffer.cleared', { from });
    await other.close();
  });

  it('echoes the full effective session on session.update, reporting what it could not apply', async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo&model=gpt-realtime`);
    const created = s.log.ofType('session.created')[0];
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      tools: [],
    });
    expect(created.session.audio.output.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    const from = s.log.mark;
    s.send({
      type: 'session.update',
      event_id: 'evt_s1',
      session: {
        type: 'realtime',
        audio: {
          input: { format: { type: 'audio/pcm', rate: 16000 } },
          output: { format: { type: 'audio/pcmu' } },
        },
      },
    });
    const problem = await s.log.next('error', { from });
    expect(problem.error).toMatchObject({
      param: 'session.audio.input.format',
      event_id: 'evt_s1',
    });
    const updated = await s.log.next('session.updated', { from });
    expect(updated.session.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(updated.session.audio.output.format).toEqual({ type: 'audio/pcmu' });
    expect(updated.session).toHaveProperty('audio.input.turn_detection');
    await s.close();
  });

  it('cancels the response in flight on response.cancel: response.done says so and its audio stops', {
    timeout: 20_000,
  }, async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo`);
    const append = (chunk: Int16Array) =>
      s.send({ type: 'input_audio_buffer.append', audio: toBase64(chunk) });
    // The echo graph's ear hears energy: a tone is speech, then silence ends the turn and the bot answers with 1.5 s of tone.
    await playInRealTime(tone(300, REALTIME_RATE), append);
    await playInRealTime(silence24k(300), append);
    const audio = await s.log.next('response.output_audio.delta');
    await new Promise((r) => setTimeout(r, 300));
    const from = s.log.mark;
    s.send({ type: 'response.cancel', event_id: 'evt_cancel' });
    const done = await s.log.next('response.done', {
      from,
      match: (e) => e.response.id === audio.response_id,
    });
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
    });
    await new Promise((r) => setTimeout(r, 300));
    const after = s.log.events.indexOf(done);
    expect(s.log.ofType('response.output_audio.delta', after)).toEqual([]);
    await s.close();
  });

  it('refuses an unknown graph with an error event and close code 4404', async () => {
    const s = await RawRealtimeSocket.open(`${t.wsUrl}/v1/realtime?graph=no-such-graph`);
    const error = await s.log.next('error');
    expect(error.error).toMatchObject({ code: 'graph_not_found' });
    expect(error.error.message).toMatch(/no-such-graph/);
    expect((await s.waitClosed()).code).toBe(4404);
    expect(await upgradeStatus(`${t.wsUrl}/v1/realtime?graph=../etc`)).toBe(400);
  });
});

describe('/v1/realtime with PARLEY_TOKEN', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { PARLEY_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await t.close();
  });

  const url = () => `${t.wsUrl}/v1/realtime?graph=echo`;

  it('needs the token as a bearer header (the SDKs’ API key), ?token=, or the browser subprotocol', async () => {
    expect(await upgradeStatus(url())).toBe(401);
    expect(await upgradeStatus(url(), { authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus(url(), {}, ['realtime', 'openai-insecure-api-key.wrong'])).toBe(401);
    expect(await upgradeStatus(url(), { authorization: `Bearer ${TOKEN}` })).toBe(101);
    expect(await upgradeStatus(`${url()}&token=${TOKEN}`)).toBe(101);
  });

  it('selects the `realtime` subprotocol and never echoes the one carrying the key', async () => {
    const s = await RawRealtimeSocket.ready(url(), [
      'realtime',
      `openai-insecure-api-key.${TOKEN}`,
      'openai-beta.realtime-v1',
    ]);
    expect(s.ws.protocol).toBe('realtime');
    await s.close();
  });
});
