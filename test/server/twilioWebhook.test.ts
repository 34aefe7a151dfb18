import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isValidTwilioSignature,
  twilioSignature,
} from '../../server/transports/twilio/twilioSignature.ts';
import { TwilioCallSimulator } from './helpers/TwilioCallSimulator.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

const CALL = {
  CallSid: 'CA1234567890ABCDE',
  From: '+12349013030',
  To: '+18005551212',
  AccountSid: 'AC0000',
  Direction: 'inbound',
};

async function postVoice(
  t: TestServer,
  route: string,
  params: Record<string, string> = CALL,
  headers: Record<string, string> = {},
) {
  const res = await fetch(t.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: await res.text(),
  };
}

function streamParameters(twiml: string): Record<string, string> {
  return Object.fromEntries(
    [...twiml.matchAll(/<Parameter name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]),
  );
}

/** What Twilio's own helper computes, written out independently: HMAC-SHA1(url + sorted name+value pairs), base64. */
function referenceSignature(token: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', token).update(data).digest('base64');
}

describe('POST /telephony/twilio/voice', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers TwiML that connects the call to the media stream, graph as a <Parameter>', async () => {
    t = await startTestServer();
    const res = await postVoice(t, '/telephony/twilio/voice?graph=echo');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    const host = new URL(t.url).host;
    expect(res.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://${host}/telephony/twilio/stream"><Parameter name="graph" value="echo"/></Stream></Connect></Response>`,
    );
  });

  it('builds the stream URL from PUBLIC_URL or X-Forwarded-Proto, and refuses bad graph names', async () => {
    t = await startTestServer({ env: { PUBLIC_URL: 'https://bot.example.com/' } });
    expect((await postVoice(t, '/telephony/twilio/voice?graph=echo')).body).toContain(
      '<Stream url="wss://bot.example.com/telephony/twilio/stream">',
    );
    await t.close();
    t = await startTestServer();
    // A tunnel (ngrok) terminates TLS and forwards the scheme; the Host header is the public name.
    const forwarded = await postVoice(t, '/telephony/twilio/voice', CALL, {
      'x-forwarded-proto': 'https',
    });
    expect(forwarded.body).toContain(
      `<Stream url="wss://${new URL(t.url).host}/telephony/twilio/stream">`,
    );
    expect(streamParameters(forwarded.body)).toEqual({ graph: 'phone-bot' });
    expect((await postVoice(t, '/telephony/twilio/voice?graph=../etc')).status).toBe(400);
  });

  it('computes Twilio signatures exactly (sorted params, full URL) and rejects tampering', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const expected = referenceSignature('12345', url, params);
    expect(twilioSignature('12345', url, params)).toBe(expected);
    expect(isValidTwilioSignature('12345', url, params, expected)).toBe(true);
    expect(isValidTwilioSignature('12345', url, { ...params, Digits: '1235' }, expected)).toBe(
      false,
    );
    expect(isValidTwilioSignature('12345', `${url}&x=1`, params, expected)).toBe(false);
    expect(isValidTwilioSignature('54321', url, params, expected)).toBe(false);
    expect(isValidTwilioSignature('12345', url, params, undefined)).toBe(false);
  });

  it('with TWILIO_AUTH_TOKEN: needs a valid X-Twilio-Signature, then mints a one-time stream ticket', async () => {
    t = await startTestServer({ env: { TWILIO_AUTH_TOKEN: 'tw-secret' } });
    const route = '/telephony/twilio/voice?graph=echo';
    expect((await postVoice(t, route)).status).toBe(403);
    expect((await postVoice(t, route, CALL, { 'x-twilio-signature': 'AAAA' })).status).toBe(403);
    const signature = referenceSignature('tw-secret', t.url + route, CALL);
    const ok = await postVoice(t, route, CALL, { 'x-twilio-signature': signature });
    expect(ok.status).toBe(200);
    const params = streamParameters(ok.body);
    expect(params.graph).toBe('echo');
    expect(params.ticket).toMatch(/^[\w-]+\.\d+\.[\w-]{22}\.[\w-]{43}$/);

    // The stream must present the ticket, once.
    const noTicket = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    noTicket.start({ graph: 'echo' });
    await waitFor(() => noTicket.closed !== undefined, 3000, 'refusal');
    expect(noTicket.closed?.code).toBe(1008);
    const good = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    good.start({ ...params, greeting: '' });
    await waitFor(() => t!.server.sessions.size === 1, 3000, 'session');
    expect(t.server.sessions.list()[0]).toMatchObject({
      graph: 'echo',
      transport: 'twilio-media-stream',
    });
    const replay = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    replay.start(params);
    await waitFor(() => replay.closed !== undefined, 3000, 'replay refusal');
    expect(replay.closed?.code).toBe(1008);
    await good.close();
    await waitFor(() => t!.server.sessions.size === 0, 3000, 'teardown');
  });

  it('with PARLEY_TOKEN only: the webhook URL carries ?token=, the rest of the API still needs the bearer', async () => {
    t = await startTestServer({ token: 'parley-secret' });
    expect((await postVoice(t, '/telephony/twilio/voice?graph=echo')).status).toBe(401);
    const ok = await postVoice(t, '/telephony/twilio/voice?graph=echo&token=parley-secret');
    expect(ok.status).toBe(200);
    expect(streamParameters(ok.body).ticket).toBeTruthy();
    expect((await t.api('GET', '/api/graphs')).status).toBe(401);
  });
});
