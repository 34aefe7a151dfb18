import type { WebSocket } from 'ws';
import { CloseCode } from './closeCodes.ts';

/**
 * How much unsent data one client may leave queued in the server before it
 * counts as not reading. Bot audio is paced in real time (~48 KB/s at 24 kHz),
 * so 8 MB is minutes of backlog: only a client that has stopped reading, or
 * one that asks for large replies faster than it takes them, gets there.
 */
export const MAX_SEND_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Emitted on the socket when it is dropped for not reading (guardSocket logs it once). */
export const SLOW_READER_EVENT = 'parley:slow-reader';

/**
 * Sends one message unless the client has stopped reading. A slow reader is
 * dropped (close 4503) instead of being buffered without bound: one client
 * must not grow the server's memory for everyone. The socket turns CLOSING at
 * once, so nothing more is queued; `ws` destroys it if the client never
 * answers the close. Returns whether the message was sent.
 */
export function sendBounded(
  ws: WebSocket,
  data: string | Uint8Array,
  maxBacklogBytes = MAX_SEND_BACKLOG_BYTES,
): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  if (ws.bufferedAmount > maxBacklogBytes) {
    ws.emit(SLOW_READER_EVENT, ws.bufferedAmount);
    ws.close(CloseCode.slowReader, 'client is not reading');
    return false;
  }
  ws.send(data);
  return true;
}
