/**
 * Realtime client events with the wrong shape on /v1/realtime: not JSON, not
 * an object, unknown types, known types with fields of the wrong type, wild
 * session updates, deep nesting, garbage audio (bad base64, odd byte counts,
 * input formats switched on every append). README: each gets an `error`
 * event naming what was wrong, and the session goes on.
 */
import { tone } from '../../server/helpers/echoBotNodes.ts';
import { realtimeDriver } from '../drivers/realtimeDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
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

const json = (event: unknown) => JSON.stringify(event);
const sendText = (text: string) => (ws: { sendText(t: string): void }) => ws.sendText(text);
/** The per-socket message rate limit closes a flood with 4429 (server/net/ServerLimits.ts); that is a fine answer to one. */
const RATE_LIMITED = 4429;

/** Known event types with one field of the wrong type or value: each must get `invalid_value` (or `invalid_event`). */
function wrongField(rng: Rng): { name: string; event: Record<string, unknown> } {
  const bad = () => rng.pick<unknown>([42, null, true, 'text', [], [1, 2], { nested: {} }]);
  return rng.pick([
    { name: 'session.update without session', event: { type: 'session.update' } },
    {
      name: 'session.update with session not an object',
      event: { type: 'session.update', session: rng.pick<unknown>(['x', 5, null, [], true]) },
    },
    { name: 'append without audio', event: { type: 'input_audio_buffer.append' } },
    {
      name: 'append with audio not a string',
      event: {
        type: 'input_audio_buffer.append',
        audio: rng.pick<unknown>([5, null, {}, ['AAAA']]),
      },
    },
    { name: 'item.create without item', event: { type: 'conversation.item.create' } },
    {
      name: 'item.create with an unknown item type',
      event: { type: 'conversation.item.create', item: { type: 'bogus', role: 'user' } },
    },
    {
      name: 'item.create with role "robot"',
      event: {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'robot', content: [] },
      },
    },
    {
      name: 'item.create with content not an array',
      event: {
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'user',
          content: rng.pick<unknown>([42, null, true, 'text', { type: 'input_text' }]),
        },
      },
    },
    {
      name: 'item.create with content parts not objects',
      event: {
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'user',
          content: [rng.pick<unknown>([1, 'x', null, [{ type: 'input_text' }]])],
        },
      },
    },
    {
      name: 'item.create with a content part without type',
      event: {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ text: 'hi' }] },
      },
    },
    { name: 'retrieve without item_id', event: { type: 'conversation.item.retrieve' } },
    {
      name: 'delete with item_id not a string',
      event: { type: 'conversation.item.delete', item_id: rng.pick<unknown>([5, null, ['a']]) },
    },
    {
      name: 'truncate with a negative content_index',
      event: {
        type: 'conversation.item.truncate',
        item_id: 'i',
        content_index: -1,
        audio_end_ms: 0,
      },
    },
    {
      name: 'truncate with a fractional content_index',
      event: {
        type: 'conversation.item.truncate',
        item_id: 'i',
        content_index: 0.5,
        audio_end_ms: 0,
      },
    },
    {
      name: 'truncate with audio_end_ms not a number',
      event: {
        type: 'conversation.item.truncate',
        item_id: 'i',
        content_index: 0,
        audio_end_ms: bad(),
      },
    },
    {
      name: 'truncate with a negative audio_end_ms',
      event: {
        type: 'conversation.item.truncate',
        item_id: 'i',
        content_index: 0,
        audio_end_ms: -5,
      },
    },
    {
      name: 'response.create with response not an object',
      event: { type: 'response.create', response: rng.pick<unknown>(['x', 5, [], true]) },
    },
    {
      name: 'response.cancel with response_id not a string',
      event: { type: 'response.cancel', response_id: rng.pick<unknown>([5, {}, []]) },
    },
    {
      name: 'event_id not a string',
      event: { type: 'input_audio_buffer.clear', event_id: rng.pick<unknown>([5, {}, [], true]) },
    },
  ]);
}

/** A session.update with random values where the fields a client may set go. */
function wildSession(rng: Rng): Record<string, unknown> {
  const value = () => (rng.bool(0.3) ? oddString(rng) : randomJsonValue(rng, 3));
  const session: Record<string, unknown> = {
    type: rng.pick<unknown>(['realtime', 'transcription', 7, undefined]),
  };
  if (rng.bool()) session.instructions = rng.bool() ? oddString(rng) : value();
  if (rng.bool())
    session.audio = {
      input: {
        format: rng.bool()
          ? {
              type: rng.pick(['audio/pcm', 'audio/pcmu', 'audio/opus', 'pcm16']),
              rate: rng.pick([24000, 16000, 0, -1, 1e12]),
            }
          : value(),
        turn_detection: rng.bool()
          ? {
              type: rng.pick(['server_vad', 'semantic_vad', 'none']),
              threshold: value(),
              silence_duration_ms: value(),
              prefix_padding_ms: value(),
              eagerness: value(),
            }
          : value(),
        transcription: value(),
      },
      output: { voice: value(), format: value(), speed: value() },
    };
  if (rng.bool())
    session.tools = rng.bool()
      ? [
          {
            type: 'function',
            name: rng.bool() ? oddString(rng) : value(),
            description: value(),
            parameters: value(),
          },
        ]
      : value();
  if (rng.bool()) session.tool_choice = value();
  if (rng.bool()) session.output_modalities = value();
  if (rng.bool())
    session.max_output_tokens = rng.pick<unknown>([0, -1, 1e308, 'inf', 'infinite', 4096.5]);
  return session;
}

export function realtimeEventKinds(): CaseKind[] {
  const kind = (name: string, build: (rng: Rng) => MessageCase) =>
    messageKind(name, realtimeDriver, build);
  return [
    kind('not-json', (rng) => {
      const text = brokenJson(rng);
      return {
        title: `'${preview(text, 60)}'`,
        send: sendText(text),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('json-not-an-object', (rng) => {
      const value = rng.pick<unknown>([
        [],
        [{ type: 'session.update', session: {} }],
        0,
        -1e308,
        'session.update',
        null,
        true,
      ]);
      return {
        title: `${json(value)}`,
        send: sendText(json(value)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('no-string-type', (rng) => {
      const event = rng.pick<Record<string, unknown>>([
        {},
        { type: 5 },
        { type: null },
        { type: ['session.update'] },
        { event_id: 'x' },
        { Type: 'session.update' },
      ]);
      return { title: json(event), send: sendText(json(event)), expect: { kind: 'error-reply' } };
    }),
    kind('unknown-type', (rng) => {
      const type = rng.pick([
        rng.pick(PROTOTYPE_KEYS),
        'session.updated',
        'response.done',
        'Session.Update',
        'response.create ',
        '',
        rng.string(rng.int(1, 300), 'abcdefghij._-'),
      ]);
      return {
        title: `type '${preview(type, 50)}'`,
        send: sendText(json({ type, event_id: 'unknown' })),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('wrong-field-types', (rng) => {
      const { name, event } = wrongField(rng);
      return {
        title: `${name}: ${preview(json(event), 80)}`,
        send: sendText(json(event)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('extra-random-fields', (rng) => {
      const event: Record<string, unknown> = {
        type: rng.pick([
          'input_audio_buffer.clear',
          'input_audio_buffer.commit',
          'response.cancel',
        ]),
        event_id: 'extra',
      };
      for (let i = rng.int(1, 5); i > 0; i--)
        event[rng.bool(0.3) ? rng.pick(PROTOTYPE_KEYS) : rng.string(rng.int(1, 12))] =
          randomJsonValue(rng);
      return {
        title: preview(json(event), 100),
        send: sendText(json(event)),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('session-update-wild', (rng) => {
      const session = wildSession(rng);
      return {
        title: `session.update ${preview(json(session), 100)}`,
        send: sendText(json({ type: 'session.update', event_id: 'wild', session })),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('deep-nested', (rng) => {
      const depth = hurtfulDepth(rng);
      const nesting = rng.pick<Nesting>(['arrays', 'objects', 'mixed']);
      const where = rng.pick([
        'tool parameters',
        'instructions',
        'an unknown field',
        'item content',
        'response',
        'session',
      ] as const);
      const text = (deep: string) =>
        ({
          'tool parameters': `{"type":"session.update","session":{"tools":[{"type":"function","name":"f","description":"d","parameters":${deep}}]}}`,
          instructions: `{"type":"session.update","session":{"instructions":${deep}}}`,
          'an unknown field': `{"type":"input_audio_buffer.clear","extra":${deep}}`,
          'item content': `{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":${deep}}]}}`,
          response: `{"type":"response.create","response":{"metadata":${deep}}}`,
          session: `{"type":"session.update","session":${deep}}`,
        })[where];
      return {
        title: `${depth}-deep JSON in ${where}`,
        send: (ws) => ws.sendText(text(deepJson(depth, nesting, rng))),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('audio-not-base64', (rng) => {
      const audio = rng.pick([
        '!!!!',
        'abc',
        'a===',
        'AA AA',
        'AAAA\n',
        'ÄÄÄÄ',
        '====',
        'AAA=A===',
        rng.string(rng.int(1, 400), 'ABCxyz0189+/=-_ '),
      ]);
      return {
        title: `append with audio '${preview(audio, 40)}'`,
        send: sendText(json({ type: 'input_audio_buffer.append', audio })),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('audio-odd-bytes', (rng) => {
      const bytes = rng.int(0, 3000) * 2 + 1;
      return {
        title: `append of ${bytes} bytes of audio/pcm (not whole samples)`,
        send: sendText(
          json({
            type: 'input_audio_buffer.append',
            audio: Buffer.from(rng.bytes(bytes)).toString('base64'),
          }),
        ),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('audio-random', (rng) => {
      const bytes = rng.int(1, 24_000) * 2;
      return {
        title: `append of ${bytes} random bytes`,
        send: sendText(
          json({
            type: 'input_audio_buffer.append',
            audio: Buffer.from(rng.bytes(bytes)).toString('base64'),
          }),
        ),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('audio-alternating-formats', (rng) => {
      const rounds = rng.int(10, 100);
      return {
        title: `${rounds} rounds of session.update (pcm 24 kHz ↔ pcmu/pcma 8 kHz) + a 20 ms append`,
        send(ws) {
          for (let i = 0; i < rounds; i++) {
            const pcm = i % 2 === 0;
            ws.sendText(
              json({
                type: 'session.update',
                session: {
                  type: 'realtime',
                  audio: {
                    input: {
                      format: pcm
                        ? { type: 'audio/pcm', rate: 24000 }
                        : { type: rng.pick(['audio/pcmu', 'audio/pcma']) },
                    },
                  },
                },
              }),
            );
            const samples = pcm ? tone(20, 24000, 300, 3000) : new Int16Array(80);
            ws.sendText(
              json({
                type: 'input_audio_buffer.append',
                audio: Buffer.from(samples.buffer).toString('base64'),
              }),
            );
          }
        },
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('binary-frame', (rng) => {
      const bytes = rng.bytes(rng.int(0, 2000));
      return {
        title: `a binary message of ${bytes.length} bytes`,
        send: (ws) => ws.sendBinary(bytes),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('message-over-limit', (rng) => {
      const size = rng.int(1024 * 1024 + 1, 3 * 1024 * 1024);
      return {
        title: `an append of ${size} base64 characters (limit 1 MB, hard limit 4 MB)`,
        send: sendText(
          json({ type: 'input_audio_buffer.append', audio: 'A'.repeat(size - (size % 4)) }),
        ),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('unknown-item-ops', (rng) => {
      const id = rng.bool() ? oddString(rng) : rng.string(rng.int(1, 40));
      const event = rng.pick([
        { type: 'conversation.item.retrieve', item_id: id },
        { type: 'conversation.item.delete', item_id: id },
        {
          type: 'conversation.item.truncate',
          item_id: id,
          content_index: rng.int(0, 1e6),
          audio_end_ms: rng.pick([0, 1e308, 123.456]),
        },
        { type: 'response.cancel' },
      ]);
      return {
        title: preview(json(event), 100),
        send: sendText(json(event)),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('item-create-odd', (rng) => {
      const item = rng.pick<Record<string, unknown>>([
        {
          type: 'message',
          role: rng.pick(['user', 'assistant', 'system']),
          content: [{ type: 'input_text', text: oddString(rng) }],
        },
        {
          type: 'message',
          role: 'user',
          content: Array.from({ length: rng.int(100, 3000) }, () => ({
            type: 'input_text',
            text: 'x',
          })),
        },
        { type: 'function_call_output', output: 'no call id' },
        { type: 'function_call_output', call_id: oddString(rng), output: oddString(rng) },
        { type: 'function_call', name: oddString(rng), arguments: '{not json', call_id: 'c' },
        { type: 'message', role: 'user', id: oddString(rng), content: [] },
      ]);
      return {
        title: `conversation.item.create ${preview(json(item), 90)}`,
        send: sendText(
          json({
            type: 'conversation.item.create',
            previous_item_id: rng.pick<unknown>([null, 'nope', undefined]),
            item,
          }),
        ),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('response-storm', (rng) => {
      const count = rng.int(5, 80);
      const events = Array.from({ length: count }, () => ({
        type: rng.pick([
          'response.create',
          'response.cancel',
          'input_audio_buffer.commit',
          'input_audio_buffer.clear',
        ]),
      }));
      return {
        title: `${count} response.create/cancel/commit/clear back to back`,
        send: (ws) => events.forEach((e) => ws.sendText(json(e))),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('event-flood', (rng) => {
      const count = rng.int(300, 3000);
      return {
        title: `${count} events in one burst (the per-socket rate limit may close it: 4429)`,
        send(ws) {
          for (let i = 0; i < count; i++)
            ws.sendText(
              rng.bool(0.8)
                ? json({ type: 'input_audio_buffer.clear', event_id: `f${i}` })
                : brokenJson(rng),
            );
        },
        expect: { kind: 'works-or-closes', codes: [RATE_LIMITED] },
      };
    }),
  ];
}
