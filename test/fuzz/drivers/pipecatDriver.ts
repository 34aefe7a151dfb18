/**
 * /ws/pipecat?graph=echo: binary `pipecat.Frame`s, RTVI JSON inside `message`
 * frames. Errors are RTVI `error` / `error-response`; the probe is a
 * `send-text` that the echo bot must answer.
 */
import {
  decodePipecatFrame,
  encodeMessageFrame,
} from '../../../server/transports/pipecat/pipecatFrames.ts';
import type { ServerMessage } from '../../server/helpers/RawWebSocket.ts';
import { preview } from '../FuzzCase.ts';
import { PROBE_TIMEOUT_MS, type WsDriver } from './WsDriver.ts';

export interface RtviReply {
  type: string;
  id?: string;
  data?: { error?: unknown; text?: unknown } & Record<string, unknown>;
}

/** The RTVI message inside a server message, or undefined for audio (or anything else). */
export function rtviIn(message: ServerMessage): RtviReply | undefined {
  if (!message.binary) return undefined;
  try {
    const frame = decodePipecatFrame(new Uint8Array(message.data));
    return frame.kind === 'message' ? (JSON.parse(frame.data) as RtviReply) : undefined;
  } catch {
    return { type: 'undecodable server message' };
  }
}

export function rtviFrame(type: string, data: unknown, id: string): Buffer {
  return Buffer.from(encodeMessageFrame({ label: 'rtvi-ai', type, id, data }));
}

export const pipecatDriver: WsDriver = {
  name: 'pipecat',
  path: () => '/ws/pipecat?graph=echo',
  errorIn(message) {
    const rtvi = rtviIn(message);
    if (rtvi?.type !== 'error' && rtvi?.type !== 'error-response') return undefined;
    return `${rtvi.type} '${preview(String(rtvi.data?.error), 100)}'`;
  },
  validMessage: (tag) => ({
    data: Buffer.from(
      JSON.stringify({
        label: 'rtvi-ai',
        type: 'client-message',
        id: `valid-${tag}`,
        data: { t: 'ping', d: { tag, note: 'ünïcödé ✓ 𝄞' } },
      }),
    ),
    binary: false,
  }),
  async probe(ws, ctx) {
    const from = ws.messages.length;
    const text = `probe ${ctx.tag}`;
    ws.sendBinary(rtviFrame('send-text', { content: text }, `probe-${ctx.tag}`));
    const answer = await ws.waitForMessage(
      (m) => rtviIn(m)?.type === 'bot-llm-text' && rtviIn(m)?.data?.text === `echo: ${text}`,
      PROBE_TIMEOUT_MS,
      from,
    );
    if (answer) return undefined;
    const seen = ws.messages.slice(from).map((m) => rtviIn(m)?.type ?? 'audio');
    return `probe: no 'echo: ${text}' within ${PROBE_TIMEOUT_MS} ms (received since: ${[...new Set(seen)].join(', ') || 'nothing'})`;
  },
};
