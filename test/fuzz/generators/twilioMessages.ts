/**
 * Twilio Media Streams messages of the wrong shape on /telephony/twilio/stream:
 * not JSON, no or unknown `event`, known events with wrong field types, bad
 * base64, garbage μ-law, media before `start`, a second `start`. README: they
 * are ignored (logged) and the call goes on — so the expectation is that the
 * caller can still speak and be answered afterwards. A case sends its garbage
 * either before the call's `start` or after it.
 */
import type { RawWebSocket } from '../../server/helpers/RawWebSocket.ts';
import { STREAM_SID, sendValidStart, twilioDriver } from '../drivers/twilioDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import {
  brokenJson,
  deepJson,
  hurtfulDepth,
  type Nesting,
  oddString,
  randomJsonValue,
} from './jsonShapes.ts';
import { type MessageCase, messageKind } from './messageKind.ts';

const json = (message: unknown) => JSON.stringify(message);
const media = (payload: unknown) => ({
  event: 'media',
  streamSid: STREAM_SID,
  media: { track: 'inbound', chunk: '1', timestamp: '0', payload },
});
const startWith = (start: Record<string, unknown>) => ({
  event: 'start',
  streamSid: STREAM_SID,
  start: {
    streamSid: STREAM_SID,
    callSid: 'CA1',
    customParameters: { graph: 'echo', greeting: '' },
    ...start,
  },
});

/** Known events with a field of the wrong type: each fails the schema and is ignored. */
function wrongShape(rng: Rng): { name: string; message: unknown } {
  const bad = () => rng.pick<unknown>([42, null, true, [], { x: 1 }]);
  return rng.pick([
    { name: 'start without start', message: { event: 'start', streamSid: STREAM_SID } },
    {
      name: 'start with start not an object',
      message: { event: 'start', start: rng.pick<unknown>(['x', 5, [], null]) },
    },
    { name: 'start without streamSid', message: { event: 'start', start: { callSid: 'CA1' } } },
    {
      name: 'start with custom parameters not strings',
      message: startWith({ customParameters: { graph: bad(), greeting: bad() } }),
    },
    {
      name: 'start with mediaFormat of wrong types',
      message: startWith({
        mediaFormat: { encoding: bad(), sampleRate: 'eight thousand', channels: bad() },
      }),
    },
    { name: 'media without media', message: { event: 'media', streamSid: STREAM_SID } },
    { name: 'media with payload not a string', message: media(bad()) },
    {
      name: 'mark with name not a string',
      message: { event: 'mark', streamSid: STREAM_SID, mark: { name: bad() } },
    },
    {
      name: 'dtmf with digit not a string',
      message: { event: 'dtmf', streamSid: STREAM_SID, dtmf: { digit: bad() } },
    },
    {
      name: 'stop with stop not an object',
      message: { event: 'stop', streamSid: STREAM_SID, stop: rng.pick<unknown>(['now', 1, []]) },
    },
    {
      name: 'connected with protocol not a string',
      message: { event: 'connected', protocol: bad() },
    },
  ]);
}

/** A message case whose garbage goes before or after the call's `start` (drawn per case). */
function stagedKind(
  name: string,
  build: (rng: Rng) => { title: string; send(ws: RawWebSocket): void },
): CaseKind {
  return messageKind(name, twilioDriver, (rng): MessageCase => {
    const afterStart = rng.bool();
    const c = build(rng);
    return {
      title: `${c.title} (${afterStart ? 'after' : 'before'} start)`,
      send(ws) {
        if (afterStart) sendValidStart(ws);
        c.send(ws);
      },
      expect: { kind: 'keeps-working' },
    };
  });
}

export function twilioMessageKinds(): CaseKind[] {
  return [
    stagedKind('not-json', (rng) => {
      const text = brokenJson(rng);
      return { title: `'${preview(text, 60)}'`, send: (ws) => ws.sendText(text) };
    }),
    stagedKind('no-event', (rng) => {
      const message = rng.pick<unknown>([
        {},
        { event: 5 },
        { event: null },
        { Event: 'media' },
        randomJsonValue(rng),
        [],
        'media',
      ]);
      return { title: preview(json(message), 80), send: (ws) => ws.sendText(json(message)) };
    }),
    stagedKind('unknown-event', (rng) => {
      const event = rng.pick([
        'clear',
        'Media',
        'START',
        '__proto__',
        'constructor',
        '',
        rng.string(rng.int(1, 200)),
      ]);
      return {
        title: `event '${preview(event, 40)}'`,
        send: (ws) =>
          ws.sendText(json({ event, streamSid: STREAM_SID, [event]: randomJsonValue(rng) })),
      };
    }),
    stagedKind('wrong-shape', (rng) => {
      const { name, message } = wrongShape(rng);
      return {
        title: `${name}: ${preview(json(message), 80)}`,
        send: (ws) => ws.sendText(json(message)),
      };
    }),
    stagedKind('media-not-base64', (rng) => {
      const payload = rng.pick([
        '!!!!',
        'abc',
        'AA AA',
        'ÿÿÿÿ',
        '====',
        'A',
        rng.string(rng.int(1, 400), 'ABCxyz0189+/=-_ '),
      ]);
      return {
        title: `media payload '${preview(payload, 40)}'`,
        send: (ws) => ws.sendText(json(media(payload))),
      };
    }),
    stagedKind('media-garbage-mulaw', (rng) => {
      const sizes = Array.from({ length: rng.int(1, 50) }, () =>
        rng.pick([0, 1, 3, 159, 161, rng.int(0, 4000)]),
      );
      return {
        title: `${sizes.length} media messages of random μ-law, sizes ${sizes.slice(0, 5).join(', ')}…`,
        send: (ws) =>
          sizes.forEach((n) =>
            ws.sendText(json(media(Buffer.from(rng.bytes(n)).toString('base64')))),
          ),
      };
    }),
    stagedKind('media-huge', (rng) => {
      const bytes = rng.int(100_000, 700_000);
      return {
        title: `one media message of ${bytes} bytes of μ-law (${(bytes / 8000).toFixed(0)} s)`,
        send: (ws) => ws.sendText(json(media(Buffer.from(rng.bytes(bytes)).toString('base64')))),
      };
    }),
    stagedKind('marks-and-dtmf', (rng) => {
      const messages = Array.from({ length: rng.int(1, 20) }, () =>
        rng.bool()
          ? {
              event: 'mark',
              streamSid: STREAM_SID,
              mark: { name: rng.bool() ? oddString(rng) : `m${rng.int(0, 9)}` },
            }
          : {
              event: 'dtmf',
              streamSid: STREAM_SID,
              dtmf: { digit: rng.bool() ? oddString(rng) : String(rng.int(0, 9)) },
            },
      );
      return {
        title: `${messages.length} marks we never sent and odd dtmf digits`,
        send: (ws) => messages.forEach((m) => ws.sendText(json(m))),
      };
    }),
    messageKind('second-start', twilioDriver, (rng) => {
      const streamSid = rng.bool() ? oddString(rng) : 'MZother';
      const graph = rng.pick(['echo', 'keyed', '../x']);
      return {
        title: `start, then another start with streamSid ${preview(json(streamSid), 30)} and graph '${graph}' (ignored)`,
        send(ws) {
          sendValidStart(ws);
          ws.sendText(
            json({ event: 'start', streamSid, start: { streamSid, customParameters: { graph } } }),
          );
        },
        expect: { kind: 'keeps-working' },
      };
    }),
    stagedKind('deep-nested', (rng) => {
      const depth = hurtfulDepth(rng);
      const nesting = rng.pick<Nesting>(['arrays', 'objects', 'mixed']);
      const where = rng.pick([
        'an unknown field of media',
        'the media object',
        'the whole message',
        'custom parameters',
      ] as const);
      const text = (deep: string) =>
        ({
          'an unknown field of media': `{"event":"media","streamSid":"${STREAM_SID}","extra":${deep},"media":{"payload":"//8="}}`,
          'the media object': `{"event":"media","streamSid":"${STREAM_SID}","media":${deep}}`,
          'the whole message': deep,
          'custom parameters': `{"event":"start","start":{"streamSid":"MZdeep","customParameters":${deep}}}`,
        })[where];
      return {
        title: `${depth}-deep JSON in ${where}`,
        send: (ws) => ws.sendText(text(deepJson(depth, nesting, rng))),
      };
    }),
    stagedKind('binary-frames', (rng) => {
      const count = rng.int(1, 10);
      return {
        title: `${count} binary messages`,
        send(ws) {
          for (let i = 0; i < count; i++) ws.sendBinary(rng.bytes(rng.int(0, 2000)));
        },
      };
    }),
    stagedKind('text-over-limit', (rng) => {
      const size = rng.int(1024 * 1024 + 1, 3 * 1024 * 1024);
      return {
        title: `one text message of ${size} bytes`,
        send: (ws) =>
          ws.sendText(
            json({
              event: 'media',
              streamSid: STREAM_SID,
              media: { payload: 'A'.repeat(size - (size % 4)) },
            }),
          ),
      };
    }),
    messageKind('start-bad-media-format', twilioDriver, (rng) => {
      const mediaFormat = rng.pick([
        { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 },
        { encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 },
        { encoding: 'audio/l16', sampleRate: 0, channels: 1 },
      ]);
      return {
        title: `start with media format ${mediaFormat.encoding}/${mediaFormat.sampleRate}: refused (1003)`,
        send: (ws) => ws.sendText(json(startWith({ mediaFormat }))),
        expect: { kind: 'closes', codes: [1003] },
      };
    }),
    messageKind('start-bad-graph', twilioDriver, (rng) => {
      const graph = rng.pick([
        '../etc/passwd',
        'a b',
        '',
        'x'.repeat(65),
        'no-such-graph',
        '__proto__',
      ]);
      const code = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(graph) ? 4404 : 1008;
      return {
        title: `start naming graph '${graph}' (${code})`,
        send: (ws) => ws.sendText(json(startWith({ customParameters: { graph } }))),
        expect: { kind: 'closes', codes: [code] },
      };
    }),
    messageKind('stop', twilioDriver, () => ({
      title: 'start, then stop: the call ends, this socket closes 1000',
      send(ws) {
        sendValidStart(ws);
        ws.sendText(json({ event: 'stop', streamSid: STREAM_SID, stop: { callSid: 'CA1' } }));
      },
      expect: { kind: 'closes', codes: [1000] },
    })),
  ];
}
