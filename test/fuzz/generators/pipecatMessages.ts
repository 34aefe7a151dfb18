/**
 * Malformed protocol messages in well-formed frames on /ws/pipecat: random
 * and mutated protobuf, JSON that is not RTVI, RTVI with wrong types, deep
 * nesting (a `ping` whose `d` is 10,000 arrays deep), oversized messages.
 * Per README: malformed input gets an RTVI `error` (or `error-response`) and
 * the session goes on.
 */
import { encodeAudioFrame } from '../../../server/transports/pipecat/pipecatFrames.ts';
import type { RawWebSocket } from '../../server/helpers/RawWebSocket.ts';
import { pipecatDriver, rtviIn } from '../drivers/pipecatDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { hex } from './byteShapes.ts';
import {
  brokenJson,
  deepJson,
  hurtfulDepth,
  type Nesting,
  oddString,
  PROTOTYPE_KEYS,
  randomJsonValue,
} from './jsonShapes.ts';
import { type MessageCase, messageKind } from './messageKind.ts';
import {
  lengthBeyondBuffer,
  messageFrame,
  mutate,
  nestedGroups,
  textFrame,
} from './pipecatProtobuf.ts';

const rtviText = (type: unknown, data: unknown, id: unknown = 'fz') =>
  JSON.stringify({ label: 'rtvi-ai', type, id, data });
/** RTVI inside a protobuf `message` frame, as the Pipecat client sends it. */
const asMessage = (json: string) => (ws: { sendBinary(b: Uint8Array): void }) =>
  ws.sendBinary(messageFrame(json));

function validFrames(): Array<{ name: string; bytes: Uint8Array }> {
  return [
    { name: 'audio 16 kHz', bytes: encodeAudioFrame(new Int16Array(320), 16000) },
    { name: 'text', bytes: textFrame('hello there') },
    { name: 'transcription', bytes: textFrame('hello there', 'transcription') },
    {
      name: 'RTVI send-text',
      bytes: messageFrame(rtviText('send-text', { content: 'mutated hello' })),
    },
    {
      name: 'RTVI ping',
      bytes: messageFrame(rtviText('client-message', { t: 'ping', d: { n: 1 } })),
    },
  ];
}

/** RTVI messages that are wrong in their envelope or their types: each must be refused. */
function wrongRtvi(rng: Rng): { name: string; json: string } {
  const badValue = () =>
    rng.pick<unknown>([42, null, true, [], {}, ['send-text'], { type: 'x' }, -1.5]);
  switch (rng.int(0, 6)) {
    case 0:
      return {
        name: 'type not a string',
        json: JSON.stringify({ label: 'rtvi-ai', type: badValue(), id: 'fz' }),
      };
    case 1:
      return { name: 'empty type', json: rtviText('', {}) };
    case 2:
      return {
        name: 'type of 101+ characters',
        json: rtviText('send-text'.padEnd(rng.int(101, 5000), 'x'), {}),
      };
    case 3:
      return {
        name: 'wrong label',
        json: JSON.stringify({
          label: rng.pick<unknown>(['RTVI-AI', 'rtvi', '', 1, null, ['rtvi-ai']]),
          type: 'send-text',
          id: 'fz',
          data: { content: 'hi' },
        }),
      };
    case 4:
      return {
        name: 'send-text with data not an object',
        json: rtviText(
          'send-text',
          rng.pick<unknown>(['content', 7, [{ content: 'x' }], null, true]),
        ),
      };
    case 5:
      return {
        name: 'id not a string, content not a string',
        json: rtviText('send-text', { content: badValue() }, badValue()),
      };
    default:
      return {
        name: 'client-message with data not an object',
        json: rtviText('client-message', rng.pick<unknown>(['ping', 3, [['ping']], null])),
      };
  }
}

export function pipecatMessageKinds(): CaseKind[] {
  const kind = (name: string, build: (rng: Rng) => MessageCase) =>
    messageKind(name, pipecatDriver, build);
  return [
    kind('random-protobuf-bytes', (rng) => {
      const bytes = rng.bytes(rng.pick([1, 2, 5, rng.int(0, 64), rng.int(64, 4000)]));
      return {
        title: `${bytes.length} random bytes (${hex(bytes, 12)})`,
        send: (ws) => ws.sendBinary(bytes),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('mutated-valid-frame', (rng) => {
      const base = rng.pick(validFrames());
      const { bytes, mutations } = mutate(rng, base.bytes);
      return {
        title: `${base.name} frame, ${mutations.join(', ')}`,
        send: (ws) => ws.sendBinary(bytes),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('protobuf-length-beyond-buffer', (rng) => {
      const claimed = rng.pick([100, 65_536, 2 ** 31 - 1, 2 ** 32 - 1, rng.int(21, 1_000_000)]);
      return {
        title: `a length-delimited field claiming ${claimed} bytes`,
        send: (ws) => ws.sendBinary(lengthBeyondBuffer(rng, claimed)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('protobuf-nested-groups', (rng) => {
      const depth = hurtfulDepth(rng);
      return {
        title: `an unknown group field nested ${depth} deep`,
        send: (ws) => ws.sendBinary(nestedGroups(depth)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('empty-or-kindless-frame', (rng) => {
      const bytes = rng.pick([
        new Uint8Array(0),
        Uint8Array.from([0x48, 0x07]),
        Uint8Array.from([0x7a, 0x00]),
      ]);
      return {
        title: `a frame with none of text/audio/transcription/message (${hex(bytes) || 'empty'})`,
        send: (ws) => ws.sendBinary(bytes),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('message-not-json', (rng) => {
      const text = brokenJson(rng);
      return {
        title: `message frame '${preview(text, 60)}'`,
        send: asMessage(text),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('json-not-rtvi', (rng) => {
      const value = randomJsonValue(rng);
      const json = JSON.stringify(value);
      return {
        title: `message frame with arbitrary JSON ${preview(json, 60)}`,
        send: asMessage(json),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('rtvi-wrong-types', (rng) => {
      const { name, json } = wrongRtvi(rng);
      return {
        title: `RTVI ${name}: ${preview(json, 80)}`,
        send: asMessage(json),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('rtvi-unknown-type', (rng) => {
      const type = rng.bool(0.4)
        ? rng.pick(PROTOTYPE_KEYS)
        : rng.string(rng.int(1, 100), 'abcdefghijklmnopqrstuvwxyz-_.:/ ');
      return {
        title: `RTVI type '${preview(type, 40)}'`,
        send: asMessage(rtviText(type, { content: 'x' }, `u-${type.length}`)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('send-text-bad-content', (rng) => {
      const long = rng.int(10_001, 200_000);
      const content = rng.pick<unknown>([
        42,
        true,
        null,
        [],
        ['text'],
        { text: 'x' },
        '',
        '   \n\t',
        long,
      ]);
      const shown = content === long ? `a string of ${long} characters` : JSON.stringify(content);
      // The long string is made when sent, not when the case is collected.
      const send = (ws: RawWebSocket) =>
        asMessage(
          rtviText(
            'send-text',
            { content: content === long ? 'x'.repeat(long) : content },
            'bad-content',
          ),
        )(ws);
      return {
        title: `send-text with content ${preview(shown, 40)}`,
        send,
        expect: { kind: 'error-reply' },
      };
    }),
    kind('client-message-bad-t', (rng) => {
      const t = rng.pick<unknown>([
        7,
        null,
        [],
        { t: 'ping' },
        true,
        rng.string(rng.int(1, 80)),
        '',
      ]);
      return {
        title: `client-message with t ${preview(JSON.stringify(t), 40)}`,
        send: asMessage(rtviText('client-message', { t, d: 1 }, 'bad-t')),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('deep-nested-ping', (rng) => {
      const depth = hurtfulDepth(rng);
      const nesting = rng.pick<Nesting>(['arrays', 'arrays', 'objects', 'mixed']);
      return {
        title: `client-message ping whose d is ${depth} ${nesting} deep`,
        send: (ws) =>
          asMessage(
            `{"label":"rtvi-ai","type":"client-message","id":"deep","data":{"t":"ping","d":${deepJson(depth, nesting, rng)}}}`,
          )(ws),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('deep-nested-elsewhere', (rng) => {
      const depth = hurtfulDepth(rng);
      const nesting = rng.pick<Nesting>(['arrays', 'objects', 'mixed']);
      const where = rng.pick([
        'send-text content',
        'the id',
        'an extra top-level field',
        'session-info d',
        'the data',
      ] as const);
      const json = (deep: string) =>
        ({
          'send-text content': `{"label":"rtvi-ai","type":"send-text","id":"d","data":{"content":${deep}}}`,
          'the id': `{"label":"rtvi-ai","type":"client-ready","id":${deep},"data":{}}`,
          'an extra top-level field': `{"label":"rtvi-ai","type":"client-ready","id":"d","extra":${deep}}`,
          'session-info d': `{"label":"rtvi-ai","type":"client-message","id":"d","data":{"t":"session-info","d":${deep}}}`,
          'the data': `{"label":"rtvi-ai","type":"disconnect-bot-not","id":"d","data":${deep}}`,
        })[where];
      return {
        title: `${depth}-deep JSON in ${where}`,
        send: (ws) => asMessage(json(deepJson(depth, nesting, rng)))(ws),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('message-over-limit', (rng) => {
      const size = rng.int(1024 * 1024 + 1, 3 * 1024 * 1024);
      return {
        title: `an RTVI send-text of ${size} characters (limit 1 MB; hard limit 4 MB)`,
        send: (ws) =>
          ws.sendBinary(messageFrame(rtviText('send-text', { content: 'y'.repeat(size) }))),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('prototype-keys', (rng) => {
      const key = rng.pick(PROTOTYPE_KEYS);
      const json = rng.pick([
        `{"label":"rtvi-ai","type":"send-text","id":"p","data":{"${key}":{"content":"polluted"}}}`,
        `{"label":"rtvi-ai","type":"${key}","id":"p"}`,
        `{"label":"rtvi-ai","type":"client-message","id":"p","data":{"t":"${key}"}}`,
        `{"${key}":{"label":"rtvi-ai","type":"send-text"},"id":"p"}`,
      ]);
      return {
        title: `RTVI with '${key}': ${preview(json, 80)}`,
        send: asMessage(json),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('json-text-frames', (rng) => {
      const texts = Array.from({ length: rng.int(1, 5) }, () =>
        rng.bool()
          ? brokenJson(rng)
          : rng.bool()
            ? JSON.stringify(randomJsonValue(rng))
            : rtviText(rng.pick(['client-ready', 'client-message', 'nope']), randomJsonValue(rng)),
      );
      return {
        title: `${texts.length} WebSocket text messages, first ${preview(texts[0], 50)}`,
        send: (ws) => texts.forEach((t) => ws.sendText(t)),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('odd-strings', (rng) => {
      const text = oddString(rng);
      const as = rng.pick(['send-text', 'text frame', 'transcription frame'] as const);
      const bytes =
        as === 'send-text'
          ? messageFrame(rtviText('send-text', { content: text }))
          : textFrame(text, as === 'text frame' ? 'text' : 'transcription', oddString(rng));
      return {
        title: `${as} with ${preview(JSON.stringify(text), 40)}`,
        send: (ws) => ws.sendBinary(bytes),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('rtvi-flood', (rng) => {
      const count = rng.int(100, 2000);
      return {
        title: `${count} RTVI messages back to back (ping, client-ready, unknown types, broken JSON); the rate limit may close it: 4429`,
        send(ws) {
          for (let i = 0; i < count; i++) {
            const json = rng.pick([
              rtviText('client-message', { t: 'ping', d: i }, `f${i}`),
              rtviText('client-ready', {}, `f${i}`),
              rtviText('flood', {}, `f${i}`),
              brokenJson(rng),
            ]);
            ws.sendBinary(messageFrame(json));
          }
        },
        // The per-socket message rate limit (server/net/ServerLimits.ts) may end a flood: a fine answer to one.
        expect: { kind: 'works-or-closes', codes: [4429] },
      };
    }),
    kind('disconnect-bot', () => ({
      title:
        'client-ready, bot-ready, then RTVI disconnect-bot: the session ends, this socket closes 1000',
      async send(ws) {
        ws.sendBinary(messageFrame(rtviText('client-ready', {}, 'ready')));
        await ws.waitForMessage((m) => rtviIn(m)?.type === 'bot-ready', 3000);
        ws.sendBinary(messageFrame(rtviText('disconnect-bot', {})));
      },
      expect: { kind: 'closes', codes: [1000] },
    })),
    kind('disconnect-bot-while-starting', () => ({
      title:
        'RTVI disconnect-bot as the first message, while the session is still starting: it ends, this socket closes 1000',
      send: asMessage(rtviText('disconnect-bot', {})),
      expect: { kind: 'closes', codes: [1000] },
    })),
  ];
}
