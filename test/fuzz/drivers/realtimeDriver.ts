/**
 * /v1/realtime?graph=echo: JSON events as text. Errors are `error` events;
 * the probe retrieves an item that does not exist and must get its
 * `item_not_found`, tagged with the probe's event_id.
 */
import type { ServerMessage } from '../../server/helpers/RawWebSocket.ts';
import { preview } from '../FuzzCase.ts';
import { PROBE_TIMEOUT_MS, type WsDriver } from './WsDriver.ts';

export interface RealtimeEventIn {
  type: string;
  error?: { code?: unknown; message?: unknown; event_id?: unknown };
}

export function realtimeEventIn(message: ServerMessage): RealtimeEventIn | undefined {
  if (message.binary) return { type: 'binary server message' };
  try {
    return JSON.parse(message.data.toString('utf8')) as RealtimeEventIn;
  } catch {
    return { type: 'non-JSON server message' };
  }
}

const PROBE_PREFIX = 'probe-';

export const realtimeDriver: WsDriver = {
  name: 'realtime',
  path: () => '/v1/realtime?graph=echo',
  errorIn(message) {
    const event = realtimeEventIn(message);
    // The probe's own item_not_found is the answer it asks for, not a complaint about the case's input.
    if (event?.type !== 'error' || String(event.error?.event_id).startsWith(PROBE_PREFIX))
      return undefined;
    return `error ${String(event.error?.code)} '${preview(String(event.error?.message), 100)}'`;
  },
  validMessage: (tag) => ({
    data: Buffer.from(
      JSON.stringify({
        type: 'input_audio_buffer.clear',
        event_id: `valid-${tag}`,
        note: 'ünïcödé ✓ 𝄞',
      }),
    ),
    binary: false,
  }),
  async probe(ws, ctx) {
    const from = ws.messages.length;
    const eventId = `${PROBE_PREFIX}${ctx.tag}`;
    ws.sendText(
      JSON.stringify({
        type: 'conversation.item.retrieve',
        event_id: eventId,
        item_id: `missing-${ctx.tag}`,
      }),
    );
    const answer = await ws.waitForMessage(
      (m) => {
        const event = realtimeEventIn(m);
        return (
          event?.type === 'error' &&
          event.error?.event_id === eventId &&
          event.error.code === 'item_not_found'
        );
      },
      PROBE_TIMEOUT_MS,
      from,
    );
    if (answer) return undefined;
    const seen = ws.messages.slice(from).map((m) => realtimeEventIn(m)?.type);
    return `probe: no item_not_found for event ${eventId} within ${PROBE_TIMEOUT_MS} ms (received since: ${[...new Set(seen)].join(', ') || 'nothing'})`;
  },
};
