import { z } from 'zod';
import { nestsDeeperThan } from '../../net/jsonDepth.ts';

/**
 * Client events of the OpenAI Realtime API (GA) that the endpoint handles.
 * Checked loosely: unknown fields pass, only what we read is required.
 */
const base = { event_id: z.string().optional() };

const contentPart = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  transcript: z.string().nullish(),
});

export const clientItem = z.looseObject({
  id: z.string().optional(),
  type: z.enum(['message', 'function_call', 'function_call_output']),
  role: z.enum(['user', 'assistant', 'system']).optional(),
  content: z.array(contentPart).optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.string().optional(),
});
export type ClientItem = z.output<typeof clientItem>;

export const realtimeClientEvent = z.discriminatedUnion('type', [
  z.looseObject({
    ...base,
    type: z.literal('session.update'),
    session: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({ ...base, type: z.literal('input_audio_buffer.append'), audio: z.string() }),
  z.looseObject({ ...base, type: z.literal('input_audio_buffer.commit') }),
  z.looseObject({ ...base, type: z.literal('input_audio_buffer.clear') }),
  z.looseObject({
    ...base,
    type: z.literal('conversation.item.create'),
    item: clientItem,
    previous_item_id: z.string().nullish(),
  }),
  z.looseObject({ ...base, type: z.literal('conversation.item.retrieve'), item_id: z.string() }),
  z.looseObject({ ...base, type: z.literal('conversation.item.delete'), item_id: z.string() }),
  z.looseObject({
    ...base,
    type: z.literal('conversation.item.truncate'),
    item_id: z.string(),
    content_index: z.number().int().min(0),
    audio_end_ms: z.number().min(0),
  }),
  z.looseObject({
    ...base,
    type: z.literal('response.create'),
    response: z.record(z.string(), z.unknown()).optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('response.cancel'),
    response_id: z.string().optional(),
  }),
]);
export type RealtimeClientEvent = z.output<typeof realtimeClientEvent>;

/** Why an event was refused, in the Realtime `error` event's terms. */
export interface ClientEventProblem {
  message: string;
  /** invalid_json: not JSON · invalid_event: not an event object · unknown_event_type · invalid_value: a field is wrong. */
  code: 'invalid_json' | 'invalid_event' | 'unknown_event_type' | 'invalid_value';
  /** The field at fault, as a dotted path inside the event. */
  param?: string;
  /** The client's `event_id`, when it had one: the error names the event it answers. */
  eventId?: string;
}

/**
 * Nesting of a client event. The deepest real ones are tool schemas inside
 * `session.update` (sessionUpdateLimits allows them 32 levels, 4 levels
 * down); anything deeper would only be stored and later overflow
 * JSON.stringify. Checked before the event's schema walks it.
 */
export const MAX_EVENT_DEPTH = 64;

export type ParsedClientEvent =
  | { ok: true; event: RealtimeClientEvent }
  | ({ ok: false } & ClientEventProblem);

const KNOWN_TYPES = new Set<string>(realtimeClientEvent.options.map((o) => o.shape.type.value));

export function parseClientEvent(text: string): ParsedClientEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'event is not valid JSON' };
  }
  const raw =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { type?: unknown; event_id?: unknown })
      : undefined;
  // Echoed in the error: a client's id, not a client's essay.
  const eventId = typeof raw?.event_id === 'string' ? raw.event_id.slice(0, 128) : undefined;
  if (!raw || typeof raw.type !== 'string')
    return {
      ok: false,
      code: 'invalid_event',
      eventId,
      message: 'an event must be a JSON object with a string "type"',
    };
  if (nestsDeeperThan(value, MAX_EVENT_DEPTH))
    return {
      ok: false,
      code: 'invalid_event',
      eventId,
      message: `event nests deeper than ${MAX_EVENT_DEPTH} levels of arrays and objects`,
    };
  const type = raw.type;
  if (!KNOWN_TYPES.has(type))
    return {
      ok: false,
      code: 'unknown_event_type',
      eventId,
      param: 'type',
      message: `unsupported event type '${type.slice(0, 60)}'`,
    };
  const result = realtimeClientEvent.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  const issue = result.error.issues[0];
  const param = issue?.path.join('.') || undefined;
  return {
    ok: false,
    code: 'invalid_value',
    eventId,
    param,
    message: `invalid '${type}': ${param ?? 'event'}: ${issue?.message ?? 'does not fit the schema'}`,
  };
}
