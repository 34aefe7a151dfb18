/**
 * /telephony/twilio/stream: Twilio Media Streams JSON. The protocol has no
 * error replies — malformed messages are logged and ignored — so the probe is
 * a caller speaking: a valid `start` (ignored as a second start if the case
 * already started the call), a burst of tone and some silence; the echo bot
 * must answer with `media`.
 */
import { muLawEncode } from '../../../engine/audio/g711.ts';
import { tone } from '../../server/helpers/echoBotNodes.ts';
import type { RawWebSocket, ServerMessage } from '../../server/helpers/RawWebSocket.ts';
import { PROBE_TIMEOUT_MS, type WsDriver } from './WsDriver.ts';

export const STREAM_SID = `MZ${'0123456789abcdef'.repeat(2)}`;
const PHONE_RATE = 8000;

export function twilioEventIn(message: ServerMessage): { event?: unknown } | undefined {
  if (message.binary) return { event: 'binary server message' };
  try {
    return JSON.parse(message.data.toString('utf8')) as { event?: unknown };
  } catch {
    return { event: 'non-JSON server message' };
  }
}

/** `connected` + a valid `start` on the echo graph, without a greeting, as Twilio sends them. */
export function sendValidStart(ws: RawWebSocket, streamSid = STREAM_SID): void {
  ws.sendText(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
  ws.sendText(
    JSON.stringify({
      event: 'start',
      sequenceNumber: '1',
      streamSid,
      start: {
        streamSid,
        accountSid: `AC${'0'.repeat(32)}`,
        callSid: `CA${'1'.repeat(32)}`,
        tracks: ['inbound'],
        customParameters: { graph: 'echo', greeting: '' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: PHONE_RATE, channels: 1 },
      },
    }),
  );
}

/** Caller audio as Twilio sends it: 20 ms of base64 μ-law per `media` message. */
export function sendCallerAudio(
  ws: RawWebSocket,
  samples: Int16Array,
  streamSid = STREAM_SID,
): void {
  for (let i = 0; i < samples.length; i += 160) {
    const payload = Buffer.from(muLawEncode(samples.subarray(i, i + 160))).toString('base64');
    ws.sendText(
      JSON.stringify({
        event: 'media',
        streamSid,
        media: { track: 'inbound', chunk: String(i / 160 + 1), timestamp: String(i / 8), payload },
      }),
    );
  }
}

export const twilioDriver: WsDriver = {
  name: 'twilio',
  path: () => '/telephony/twilio/stream',
  // Twilio's protocol never answers with an error.
  errorIn: () => undefined,
  validMessage: () => ({
    data: Buffer.from(
      JSON.stringify({
        event: 'connected',
        protocol: 'Call',
        version: '1.0.0',
        note: 'ünïcödé ✓ 𝄞',
      }),
    ),
    binary: false,
  }),
  async probe(ws) {
    const from = ws.messages.length;
    sendValidStart(ws);
    sendCallerAudio(ws, tone(300, PHONE_RATE, 300, 12000));
    sendCallerAudio(ws, new Int16Array((PHONE_RATE * 400) / 1000));
    const answer = await ws.waitForMessage(
      (m) => twilioEventIn(m)?.event === 'media',
      PROBE_TIMEOUT_MS,
      from,
    );
    if (answer) return undefined;
    const seen = ws.messages.slice(from).map((m) => String(twilioEventIn(m)?.event));
    return `probe: the caller spoke and got no bot audio (media) within ${PROBE_TIMEOUT_MS} ms (received since: ${[...new Set(seen)].join(', ') || 'nothing'})`;
  },
};
