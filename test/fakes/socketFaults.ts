/**
 * What a broken or hostile provider can do to a client's WebSocket, written
 * on the raw TCP socket under the fake's `ws` server so no library tidies it
 * up: frames from a server are unmasked (RFC 6455 §5.1), so the bytes below
 * are exactly what goes on the wire.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type SocketFault =
  /** A text frame whose payload is not UTF-8 (0xC3 0x28): the client must fail the connection with 1007. */
  | 'invalid-utf8'
  /** A frame with reserved opcode 0x3: a protocol error, 1002. */
  | 'bad-opcode'
  /** A binary frame header announcing 2^40 bytes: over any client's maxPayload, 1009. */
  | 'oversized'
  /** A TCP reset: no close frame, no FIN. */
  | 'reset';

const FRAMES: Record<Exclude<SocketFault, 'reset'>, Buffer> = {
  'invalid-utf8': Buffer.from([0x81, 0x02, 0xc3, 0x28]),
  'bad-opcode': Buffer.from([0x83, 0x00]),
  'oversized': Buffer.from([0x82, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]),
};

export function injectSocketFault(raw: Duplex, fault: SocketFault): void {
  if (fault === 'reset') {
    if (!(raw instanceof Socket)) throw new Error('a reset needs a TCP socket');
    raw.resetAndDestroy();
    return;
  }
  raw.write(FRAMES[fault]);
}
