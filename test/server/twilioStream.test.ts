import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { muLawEncode } from '../../engine/audio/g711.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import { tone } from './helpers/echoBotNodes.ts';
import { TwilioCallSimulator } from './helpers/TwilioCallSimulator.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

/** The media-stream protocol against the echo graph (no models): fast and exact. */
describe('Twilio media stream /telephony/twilio/stream', () => {
  let t: TestServer;
  let toneWav: string;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = await mkdtemp(path.join(tmpdir(), 'parley-twilio-'));
    toneWav = path.join(dir, 'tone.wav');
    await writeFile(toneWav, wav16k(tone(400, 16000, 300, 12000)));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks μ-law 8 kHz media with the streamSid, marks each segment, clears on barge-in, ends on stop', {
    timeout: 20_000,
  }, async () => {
    const call = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    call.start({ graph: 'echo', greeting: '' });
    await waitFor(() => t.server.sessions.size === 1, 3000, 'session');
    const session = t.server.sessions.get(t.server.sessions.list()[0].id)!;
    const interrupts: number[] = [];
    session.on('frame', (f) => f.type === 'interrupt' && interrupts.push(performance.now()));

    call.dtmf('5'); // logged, not spoken: nothing happens
    await call.play(toneWav);
    await call.silence(300);
    // The echo bot answers with 1.5 s of tone at 16 kHz: 12,000 samples at 8 kHz, paced in real time.
    await waitFor(
      () => call.marks.some((m) => m.echoedAt !== undefined),
      5000,
      'the reply to play out',
    );
    expect(call.wrongStreamSid).toEqual([]);
    const total = call.samplesBetween(0);
    expect(total).toBeGreaterThan(12000 * 0.97);
    expect(total).toBeLessThanOrEqual(12000);
    const first = call.media[0].at;
    const last = call.media[call.media.length - 1].at;
    expect(last - first).toBeGreaterThan(1300); // paced, not dumped
    expect(call.rmsBetween(0)).toBeGreaterThan(3000);
    expect(call.marks[0].name).toBe('seg-1');
    expect(call.marks[0].sentAt).toBeGreaterThanOrEqual(last); // after the segment's last audio
    expect(call.clears.length).toBe(1); // the user starting to speak interrupts (nothing was playing)

    // Barge in while the second reply plays: clear arrives at once, the marks come back, audio stops.
    await call.play(toneWav);
    await call.silence(300);
    await waitFor(() => call.samplesBetween(last + 10) > 2000, 5000, 'second reply');
    const clearsBefore = call.clears.length;
    await call.play(toneWav);
    await waitFor(() => call.clears.length > clearsBefore, 2000, 'clear');
    const interruptAt = interrupts[interrupts.length - 1];
    expect(call.clears[call.clears.length - 1] - interruptAt).toBeLessThan(100);

    call.stop();
    await waitFor(() => call.closed !== undefined && t.server.sessions.size === 0, 3000, 'hang-up');
    expect(call.closed?.code).toBe(1000);
  });

  it('buffers media sent before the graph started, and refuses a stream that never starts', {
    timeout: 15_000,
  }, async () => {
    const call = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    call.start({ graph: 'echo', greeting: '' });
    // Sent in the same breath as start: the graph is not running yet.
    const pcm = tone(400, 8000, 300, 12000);
    for (let i = 0; i < pcm.length; i += 160) {
      call.ws.send(
        JSON.stringify({
          event: 'media',
          sequenceNumber: String(3 + i / 160),
          streamSid: call.streamSid,
          media: {
            track: 'inbound',
            chunk: String(1 + i / 160),
            timestamp: String(i / 8),
            payload: Buffer.from(muLawEncode(pcm.subarray(i, i + 160))).toString('base64'),
          },
        }),
      );
    }
    await call.silence(400);
    await waitFor(() => call.media.length > 0, 5000, 'a reply to early audio');
    await call.close();

    const unknown = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    unknown.start({ graph: 'no-such-graph' });
    await waitFor(() => unknown.closed !== undefined, 3000, 'close');
    expect(unknown.closed?.code).toBe(4404);
    await waitFor(() => t.server.sessions.size === 0, 3000, 'teardown');
  });
});

describe('malformed Twilio messages: a warning naming the problem, and the call goes on', () => {
  const warnings: Array<Record<string, unknown>> = [];
  const capturing: Logger = {
    debug: () => {},
    info: () => {},
    warn: (obj, msg) => warnings.push({ ...obj, msg }),
    error: (obj, msg) => warnings.push({ ...obj, msg }),
    child: () => capturing,
  };
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logger: capturing });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ignores bad JSON, unknown events, media before start, bad base64, binary frames; then works normally', {
    timeout: 15_000,
  }, async () => {
    const call = await TwilioCallSimulator.open(`${t.wsUrl}/telephony/twilio/stream`);
    const media = (payload: unknown) =>
      JSON.stringify({
        event: 'media',
        streamSid: call.streamSid,
        media: { track: 'inbound', chunk: '1', timestamp: '0', payload },
      });
    call.ws.send(media(Buffer.from(muLawEncode(new Int16Array(160))).toString('base64'))); // before start
    call.start({ graph: 'echo', greeting: '' });
    await waitFor(() => t.server.sessions.size === 1, 3000, 'session');
    call.ws.send('{"event": "media", "media": ');
    call.ws.send(JSON.stringify({ event: 'transcription', text: 'hi' }));
    call.ws.send(JSON.stringify({ hello: 'world' }));
    call.ws.send(media('!!not base64!!'));
    call.ws.send(media(42));
    call.ws.send(
      JSON.stringify({ event: 'mark', streamSid: call.streamSid, mark: { name: 'never-sent' } }),
    );
    call.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => warnings.length >= 8, 3000, 'warnings');
    expect(warnings).toMatchObject([
      { problem: 'message before start', event: 'media' },
      { problem: 'not JSON', text: '{"event": "media", "media": ' },
      { problem: 'unknown event', event: 'transcription' },
      { problem: 'no "event" field' },
      { problem: 'media payload is not base64' },
      {
        problem: 'malformed message',
        event: 'media',
        field: 'media.payload',
        issue: expect.any(String),
      },
      { problem: 'mark we did not send', mark: 'never-sent' },
      { problem: 'binary message (Twilio sends JSON text)' },
    ]);
    expect(warnings.every((w) => w.msg === 'ignored twilio message')).toBe(true);

    // The session survived all of it: a tone still gets its echo.
    const pcm = tone(400, 8000, 300, 12000);
    for (let i = 0; i < pcm.length; i += 160)
      call.ws.send(media(Buffer.from(muLawEncode(pcm.subarray(i, i + 160))).toString('base64')));
    await call.silence(400);
    await waitFor(() => call.media.length > 0, 5000, 'a reply');
    expect(t.server.sessions.size).toBe(1);
    expect((await t.api('GET', '/api/health')).status).toBe(200);
    await call.close();
    await waitFor(() => t.server.sessions.size === 0, 3000, 'teardown');
  });
});

function wav16k(samples: Int16Array): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([
    header,
    Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
  ]);
}
