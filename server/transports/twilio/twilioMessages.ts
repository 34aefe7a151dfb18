import { z } from 'zod';
import { nestsDeeperThan } from '../../net/jsonDepth.ts';
import type { ProblemDetail, TwilioProblemKind } from './ProtocolProblems.ts';

/**
 * Twilio Media Streams messages (bidirectional `<Connect><Stream>`), as
 * documented at twilio.com/docs/voice/media-streams/websocket-messages.
 * Inbound shapes are checked loosely: unknown fields are allowed, only what
 * we read is required. Ids are capped in length: they go into every log
 * line of the call.
 */
/** Twilio's SIDs are 34 characters. */
const sid = z.string().max(64);
const connected = z.object({
  event: z.literal('connected'),
  protocol: z.string().optional(),
  version: z.string().optional(),
});
const start = z.object({
  event: z.literal('start'),
  streamSid: sid.optional(),
  start: z.object({
    streamSid: sid,
    accountSid: sid.optional(),
    callSid: sid.optional(),
    tracks: z.array(z.string()).optional(),
    customParameters: z.record(z.string(), z.string()).optional(),
    mediaFormat: z
      .object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() })
      .optional(),
  }),
});
const media = z.object({
  event: z.literal('media'),
  media: z.object({
    track: z.string().optional(),
    chunk: z.string().optional(),
    timestamp: z.string().optional(),
    payload: z.string(),
  }),
});
const mark = z.object({ event: z.literal('mark'), mark: z.object({ name: z.string() }) });
const dtmf = z.object({
  event: z.literal('dtmf'),
  dtmf: z.object({ digit: z.string(), track: z.string().optional() }),
});
const stop = z.object({
  event: z.literal('stop'),
  stop: z.object({ callSid: z.string().optional(), accountSid: z.string().optional() }).optional(),
});

export const twilioInboundMessage = z.discriminatedUnion('event', [
  connected,
  start,
  media,
  mark,
  dtmf,
  stop,
]);
export type TwilioInboundMessage = z.output<typeof twilioInboundMessage>;
export type TwilioStart = z.output<typeof start>['start'];

/** What we send: bot audio, marks to learn what was played, and `clear` on barge-in. */
export type TwilioOutboundMessage =
  | { event: 'media'; streamSid: string; media: { payload: string } }
  | { event: 'mark'; streamSid: string; mark: { name: string } }
  | { event: 'clear'; streamSid: string };

export type ParsedTwilioMessage =
  | { ok: true; message: TwilioInboundMessage }
  | { ok: false; kind: TwilioProblemKind; detail?: ProblemDetail };

/** Twilio's messages nest 3 levels (`start.mediaFormat.encoding`); deeper is not Twilio. */
const MAX_MESSAGE_DEPTH = 8;

const KNOWN_EVENTS = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/** Parses one text message; when it is not one we can use, says which kind of problem, with short details for the log. */
export function parseTwilioMessage(text: string): ParsedTwilioMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'notJson', detail: { text } };
  }
  if (nestsDeeperThan(value, MAX_MESSAGE_DEPTH))
    return { ok: false, kind: 'tooDeep', detail: { limit: MAX_MESSAGE_DEPTH } };
  const event =
    typeof value === 'object' && value !== null && 'event' in value
      ? (value as { event: unknown }).event
      : undefined;
  if (typeof event !== 'string') return { ok: false, kind: 'noEvent' };
  if (!KNOWN_EVENTS.has(event)) return { ok: false, kind: 'unknownEvent', detail: { event } };
  const result = twilioInboundMessage.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    kind: 'malformed',
    detail: { event, field: issue.path.join('.') || '(root)', issue: issue.message },
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A media payload's μ-law bytes, or undefined when it is not valid base64 (Buffer.from would silently skip bad characters). */
export function decodeMediaPayload(payload: string): Buffer | undefined {
  return BASE64.test(payload) ? Buffer.from(payload, 'base64') : undefined;
}
