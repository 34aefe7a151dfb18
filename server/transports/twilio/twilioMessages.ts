import { z } from 'zod';

/**
 * Twilio Media Streams messages (bidirectional `<Connect><Stream>`), as
 * documented at twilio.com/docs/voice/media-streams/websocket-messages.
 * Inbound shapes are checked loosely: unknown fields are allowed, only what
 * we read is required.
 */
const connected = z.object({ event: z.literal('connected'), protocol: z.string().optional(), version: z.string().optional() });
const start = z.object({
  event: z.literal('start'),
  streamSid: z.string().optional(),
  start: z.object({
    streamSid: z.string(),
    accountSid: z.string().optional(),
    callSid: z.string().optional(),
    tracks: z.array(z.string()).optional(),
    customParameters: z.record(z.string(), z.string()).optional(),
    mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }).optional(),
  }),
});
const media = z.object({
  event: z.literal('media'),
  media: z.object({ track: z.string().optional(), chunk: z.string().optional(), timestamp: z.string().optional(), payload: z.string() }),
});
const mark = z.object({ event: z.literal('mark'), mark: z.object({ name: z.string() }) });
const dtmf = z.object({ event: z.literal('dtmf'), dtmf: z.object({ digit: z.string(), track: z.string().optional() }) });
const stop = z.object({ event: z.literal('stop'), stop: z.object({ callSid: z.string().optional(), accountSid: z.string().optional() }).optional() });

export const twilioInboundMessage = z.discriminatedUnion('event', [connected, start, media, mark, dtmf, stop]);
export type TwilioInboundMessage = z.output<typeof twilioInboundMessage>;
export type TwilioStart = z.output<typeof start>['start'];

/** What we send: bot audio, marks to learn what was played, and `clear` on barge-in. */
export type TwilioOutboundMessage =
  | { event: 'media'; streamSid: string; media: { payload: string } }
  | { event: 'mark'; streamSid: string; mark: { name: string } }
  | { event: 'clear'; streamSid: string };

export type ParsedTwilioMessage = { ok: true; message: TwilioInboundMessage } | { ok: false; problem: string };

const KNOWN_EVENTS = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/** Parses one text message; when it is not one we can use, says why in words fit for a log line. */
export function parseTwilioMessage(text: string): ParsedTwilioMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const event = typeof value === 'object' && value !== null && 'event' in value ? (value as { event: unknown }).event : undefined;
  if (typeof event !== 'string') return { ok: false, problem: 'no "event" field' };
  if (!KNOWN_EVENTS.has(event)) return { ok: false, problem: `unknown event '${event.slice(0, 40)}'` };
  const result = twilioInboundMessage.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, problem: `malformed '${event}' message: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A media payload's μ-law bytes, or undefined when it is not valid base64 (Buffer.from would silently skip bad characters). */
export function decodeMediaPayload(payload: string): Buffer | undefined {
  return BASE64.test(payload) ? Buffer.from(payload, 'base64') : undefined;
}
