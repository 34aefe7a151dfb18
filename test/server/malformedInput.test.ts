import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAudioFrame } from '../../server/transports/pipecat/pipecatFrames.ts';
import { tone } from './helpers/echoBotNodes.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

/** A pipecat.Frame audio message with any field values, including ones the server must refuse. */
function audioFrame(fields: {
  audio?: Uint8Array;
  sampleRate?: number;
  channels?: number;
}): Uint8Array {
  const w = protobuf.Writer.create();
  const inner = protobuf.Writer.create();
  if (fields.audio) inner.uint32((3 << 3) | 2).bytes(fields.audio);
  if (fields.sampleRate !== undefined) inner.uint32(4 << 3).uint32(fields.sampleRate);
  if (fields.channels !== undefined) inner.uint32(5 << 3).uint32(fields.channels);
  w.uint32((2 << 3) | 2).bytes(inner.finish());
  return w.finish();
}

function messageFrame(data: string): Uint8Array {
  const inner = protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string(data)
    .finish();
  return protobuf.Writer.create()
    .uint32((4 << 3) | 2)
    .bytes(inner)
    .finish();
}

const pcm = (n: number) => new Uint8Array(new Int16Array(n).buffer);

describe('malformed input on /ws/pipecat: an error message, and the session goes on', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const cases: Array<{
    name: string;
    send: (s: RawPipecatSocket) => void;
    expect: RegExp;
    response?: boolean;
  }> = [
    {
      name: 'random bytes',
      send: (s) => s.send(new Uint8Array([0xff, 0xfe, 0xfd, 0x01, 0x02])),
      expect: /not a pipecat\.Frame/,
    },
    {
      name: 'empty binary message',
      send: (s) => s.send(new Uint8Array(0)),
      expect: /none of text, audio/,
    },
    {
      name: 'frame with only an unknown field',
      send: (s) =>
        s.send(
          protobuf.Writer.create()
            .uint32((9 << 3) | 0)
            .uint32(7)
            .finish(),
        ),
      expect: /none of text, audio/,
    },
    {
      name: 'truncated frame',
      send: (s) => s.send(encodeAudioFrame(new Int16Array(160), 16000).subarray(0, 40)),
      expect: /not a pipecat\.Frame/,
    },
    {
      name: 'sample rate 0',
      send: (s) => s.send(audioFrame({ audio: pcm(160), sampleRate: 0, channels: 1 })),
      expect: /sample_rate 0 is not supported/,
    },
    {
      name: 'sample rate 1 MHz',
      send: (s) => s.send(audioFrame({ audio: pcm(160), sampleRate: 1_000_000, channels: 1 })),
      expect: /sample_rate 1000000/,
    },
    {
      name: 'sample rate 4 kHz',
      send: (s) => s.send(audioFrame({ audio: pcm(160), sampleRate: 4000, channels: 1 })),
      expect: /sample_rate 4000/,
    },
    {
      name: 'stereo audio',
      send: (s) => s.send(audioFrame({ audio: pcm(160), sampleRate: 16000, channels: 2 })),
      expect: /only mono/,
    },
    {
      name: 'odd number of audio bytes',
      send: (s) =>
        s.send(audioFrame({ audio: new Uint8Array(321), sampleRate: 16000, channels: 1 })),
      expect: /not 16-bit PCM/,
    },
    {
      name: 'empty audio',
      send: (s) => s.send(audioFrame({ sampleRate: 16000, channels: 1 })),
      expect: /audio payload of 0 bytes is not 16-bit PCM/,
    },
    {
      name: 'oversized message (1.5 MB)',
      send: (s) => s.send(encodeAudioFrame(new Int16Array(750_000), 16000)),
      expect: /exceeds the limit/,
    },
    {
      name: 'message frame that is not JSON',
      send: (s) => s.send(messageFrame('{nope')),
      expect: /not valid JSON/,
    },
    {
      name: 'JSON without the rtvi-ai label',
      send: (s) => s.send(messageFrame('{"type":"send-text"}')),
      expect: /not an RTVI message/,
    },
    {
      name: 'RTVI message with an empty type',
      send: (s) => s.send(messageFrame('{"label":"rtvi-ai","type":""}')),
      expect: /not an RTVI message/,
    },
    {
      name: 'unknown RTVI type',
      send: (s) => void s.rtvi('launch-rockets', {}, 'u1'),
      expect: /unknown or unsupported RTVI message type 'launch-rockets'/,
      response: true,
    },
    {
      name: 'send-text without content',
      send: (s) => void s.rtvi('send-text', {}, 'u2'),
      expect: /non-empty string/,
      response: true,
    },
    {
      name: 'send-text with a number',
      send: (s) => void s.rtvi('send-text', { content: 42 }, 'u3'),
      expect: /non-empty string/,
      response: true,
    },
    {
      name: 'send-text of 20k characters',
      send: (s) => void s.rtvi('send-text', { content: 'x'.repeat(20_000) }, 'u4'),
      expect: /exceeds the limit/,
      response: true,
    },
    {
      name: 'client-message without t',
      send: (s) => void s.rtvi('client-message', { d: 1 }, 'u5'),
      expect: /needs a string "t"/,
      response: true,
    },
    {
      name: 'text frame that is not JSON',
      send: (s) => s.send('hello?'),
      expect: /not valid JSON/,
    },
    {
      name: 'text frame with a JSON array',
      send: (s) => s.send('[1,2,3]'),
      expect: /not an RTVI message/,
    },
    {
      name: 'RTVI data that is not an object',
      send: (s) => void s.rtvi('send-text', 'just a string', 'u6'),
      expect: /non-empty string/,
      response: true,
    },
  ];

  it(`survives ${cases.length} malformed inputs in one session`, { timeout: 15_000 }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    for (const c of cases) {
      const from = s.messages.length;
      c.send(s);
      const reply = await s.waitFor(
        (m) => m.type === 'error' || m.type === 'error-response',
        3000,
        from,
      );
      expect(reply.type, c.name).toBe(c.response ? 'error-response' : 'error');
      expect(String(reply.data?.error), c.name).toMatch(c.expect);
      if (c.response) expect(reply.id, c.name).toMatch(/^u\d$/);
      else expect(reply.data?.fatal, c.name).toBe(false);
    }
    // Still the same session, still answering.
    expect(t.server.sessions.size).toBe(1);
    const from = s.messages.length;
    s.rtvi('send-text', { content: 'still here' });
    const reply = await s.waitFor((m) => m.type === 'bot-llm-text', 3000, from);
    expect(reply.data).toEqual({ text: 'echo: still here' });
    await s.close();
  });

  it('accepts audio at another rate and resamples it to the graph rate', {
    timeout: 10_000,
  }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const speech = tone(400, 44100, 300, 12000);
    for (let i = 0; i < speech.length; i += 882) s.sendAudio(speech.subarray(i, i + 882), 44100);
    const silence = new Int16Array(44100 * 0.3);
    for (let i = 0; i < silence.length; i += 882) s.sendAudio(silence.subarray(i, i + 882), 44100);
    const final = await s.waitFor(
      (m) => m.type === 'user-transcription' && m.data?.final === true,
      3000,
    );
    // ~400 ms of speech heard at 16 kHz after conversion (the filter delay shifts it by a few ms).
    const ms = Number(/heard (\d+) ms/.exec(String(final.data?.text))?.[1]);
    expect(ms).toBeGreaterThan(360);
    expect(ms).toBeLessThan(440);
    expect(s.count('error')).toBe(0);
    await s.close();
  });

  it('closes only the offending socket when a message exceeds the hard limit', {
    timeout: 10_000,
  }, async () => {
    const bystander = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const offender = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    offender.send(new Uint8Array(5 * 1024 * 1024));
    for (let i = 0; i < 100 && !offender.closed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(offender.closed?.code).toBe(1009);
    bystander.rtvi('send-text', { content: 'fine' });
    await bystander.waitFor((m) => m.type === 'bot-llm-text');
    await bystander.close();
  });

  it('refuses malformed REST bodies with JSON errors', async () => {
    expect(await t.api('POST', '/api/graphs', '{not json')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('not valid JSON') },
    });
    expect((await t.api('POST', '/api/graphs', { graph: {} })).status).toBe(400);
    expect((await t.api('POST', '/api/graphs', { name: 'x', graph: 'a string' })).status).toBe(400);
    expect((await t.api('PUT', '/api/graphs/echo', { graph: {} })).status).toBe(400);
    const big = await t.api('POST', '/api/graphs/validate', {
      graph: { blob: 'x'.repeat(1_100_000) },
    });
    expect(big.status).toBe(413);
    expect((await t.api('GET', '/api/health')).status).toBe(200);
  });

  it('sends a clear error and closes for an unknown graph or a bad graph name', async () => {
    const s = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=missing`);
    for (let i = 0; i < 100 && !s.closed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.closed?.code).toBe(4404);
    expect(s.messages[0]).toMatchObject({
      type: 'error',
      data: { error: "graph 'missing' not found", fatal: true },
    });
    await expect(RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=..%2Fetc`)).rejects.toThrow(
      /400/,
    );
    await expect(RawPipecatSocket.open(`${t.wsUrl}/ws/nowhere`)).rejects.toThrow(/404/);
  });
});
