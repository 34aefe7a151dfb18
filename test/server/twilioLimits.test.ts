import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Frame } from '../../engine/core/frames.ts';
import { CloseCode } from '../../server/net/closeCodes.ts';
import { SLOW_READER_EVENT } from '../../server/net/sendBounded.ts';
import type { Session } from '../../server/sessions/Session.ts';
import { capGreeting, MAX_GREETING_CHARS } from '../../server/transports/twilio/greeting.ts';
import {
  TWILIO_MAX_SEND_BACKLOG_BYTES,
  TwilioOutbound,
} from '../../server/transports/twilio/TwilioOutbound.ts';
import { CapturingLogger } from './helpers/CapturingLogger.ts';
import { TwilioCallSimulator } from './helpers/TwilioCallSimulator.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

const STREAM_PATH = '/telephony/twilio/stream';

describe('Twilio media stream limits', () => {
  const logger = new CapturingLogger();
  let t: TestServer;
  beforeAll(async () => {
    // The per-socket message rate limit would end the flood early; this is about what reaches the log.
    t = await startTestServer({
      logger,
      limits: { maxMessagesPerSec: 100_000, messageBurst: 100_000 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps the log bounded for a flood of 1,000 distinct garbage messages before start', {
    timeout: 30_000,
  }, async () => {
    const call = await TwilioCallSimulator.open(`${t.wsUrl}${STREAM_PATH}`);
    const bigKey = 'k'.repeat(200 * 1024);
    let sentBytes = 0;
    const send = (text: string) => {
      sentBytes += text.length;
      call.ws.send(text);
    };
    for (let i = 0; i < 1000; i++) {
      const noise = `${i}-${'z'.repeat(1000 + (i % 97))}`;
      switch (i % 8) {
        case 0:
          send(`not json ${noise}`);
          break;
        case 1:
          send(JSON.stringify({ event: `event-${noise}` }));
          break;
        case 2:
          send(JSON.stringify({ hello: noise }));
          break;
        case 3:
          send(JSON.stringify({ event: 'media', media: { payload: noise } }));
          break; // before start
        case 4:
          send(JSON.stringify({ event: 'mark', mark: { name: noise } }));
          break;
        case 5:
          send(
            JSON.stringify({ event: 'start', start: { streamSid: noise, customParameters: {} } }),
          );
          break;
        case 6:
          send(JSON.stringify({ event: 'dtmf', dtmf: { digit: 5 }, [noise]: 1 }));
          break;
        default:
          send(`[${'['.repeat(i)}${']'.repeat(i)}]`);
          break;
      }
    }
    // One 200 KB key, used to become one 200 KB log line.
    send(
      JSON.stringify({
        event: 'start',
        start: { streamSid: 'MZ1', customParameters: { [bigKey]: 42 } },
      }),
    );
    send(JSON.stringify({ event: `unknown-${bigKey}` }));

    // The stream still works, and everything above was handled before its start.
    call.start({ graph: 'echo', greeting: '' });
    await waitFor(() => t.server.sessions.size === 1, 5000, 'the session');
    expect(sentBytes).toBeGreaterThan(1_400_000);
    const problemLines = logger.lines.filter((l) => l.msg === 'ignored twilio message');
    expect(problemLines.length).toBeGreaterThan(5);
    expect(problemLines.length).toBeLessThanOrEqual(40);
    expect(logger.largestLineBytes).toBeLessThan(1024);
    expect(logger.totalBytes).toBeLessThan(20 * 1024);
    expect(new Set(problemLines.map((l) => l.fields.problem)).size).toBeLessThanOrEqual(10);
    await call.close();
    await waitFor(() => t.server.sessions.size === 0, 3000, 'teardown');
  });

  it('caps the greeting from the stream’s custom parameters', { timeout: 15_000 }, async () => {
    const said: string[] = [];
    const watch = (session: Session) =>
      session.on('output', (frame: Frame) => {
        if (frame.type === 'llm.text') said.push(frame.text);
      });
    t.server.sessions.on('started', watch);
    const call = await TwilioCallSimulator.open(`${t.wsUrl}${STREAM_PATH}`);
    call.start({ graph: 'echo', greeting: 'Hello there. '.repeat(25_000) }); // 300 KB
    await waitFor(() => said.length > 0, 5000, 'the greeting');
    t.server.sessions.off('started', watch);
    expect(said.join('').length).toBeLessThanOrEqual(MAX_GREETING_CHARS);
    expect(said.join('')).toMatch(/^Hello there\. Hello there\./);
    await call.close();
    await waitFor(() => t.server.sessions.size === 0, 3000, 'teardown');
  });

  it('caps the greeting the webhook passes on', async () => {
    const res = await fetch(
      `${t.url}/telephony/twilio/voice?graph=echo&greeting=${encodeURIComponent('word '.repeat(2000))}`,
      { method: 'POST' },
    );
    const twiml = await res.text();
    const greeting = /<Parameter name="greeting" value="([^"]*)"\/>/.exec(twiml)?.[1] ?? '';
    expect(greeting.length).toBeGreaterThan(900);
    expect(greeting.length).toBeLessThanOrEqual(MAX_GREETING_CHARS);
    expect(greeting.endsWith('word')).toBe(true);
  });
});

describe('capGreeting', () => {
  it('keeps short greetings, cuts long ones at a word boundary, and cuts one endless word anyway', () => {
    expect(capGreeting('  Hi there!  ')).toBe('Hi there!');
    expect(capGreeting('ab '.repeat(1000))).toMatch(/^(ab )+ab$/);
    expect(capGreeting('ab '.repeat(1000)).length).toBeLessThanOrEqual(MAX_GREETING_CHARS);
    expect(capGreeting('x'.repeat(5000))).toHaveLength(MAX_GREETING_CHARS);
  });
});

/** The parts of a `ws` WebSocket that sending touches, with a backlog the test sets. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: number | undefined;

  send(data: string): void {
    this.sent.push(data);
  }

  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
}

describe('TwilioOutbound: the slow-reader rule for everything sent to Twilio', () => {
  it('sends media, marks and clear while Twilio reads; drops the stream (4503) once its backlog passes the limit', () => {
    const socket = new FakeSocket();
    const outbound = new TwilioOutbound(socket as unknown as WebSocket, 'MZ1');
    let slowReader = 0;
    socket.on(SLOW_READER_EVENT, () => slowReader++);
    outbound.media(new Int16Array(160));
    outbound.mark('m1');
    outbound.clear();
    expect(
      socket.sent.map((s) => (JSON.parse(s) as { event: string; streamSid: string }).event),
    ).toEqual(['media', 'mark', 'clear']);

    socket.bufferedAmount = TWILIO_MAX_SEND_BACKLOG_BYTES + 1;
    outbound.media(new Int16Array(160));
    outbound.mark('m2');
    expect(socket.sent).toHaveLength(3);
    expect(socket.closedWith).toBe(CloseCode.slowReader);
    expect(slowReader).toBe(1);
  });
});
