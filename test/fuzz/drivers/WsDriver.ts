/**
 * What the fuzz needs to know about one WebSocket surface: where it lives,
 * what its protocol-error replies look like, a harmless valid message, and a
 * probe — a request that proves the connection still does its job after the
 * abuse (the "session goes on" half of every expectation).
 */
import type { RawWebSocket, ServerMessage } from '../../server/helpers/RawWebSocket.ts';
import type { CaseContext } from '../FuzzCase.ts';

export interface WsDriver {
  /** For titles: 'pipecat', 'live list', … */
  name: string;
  /** Path and query to upgrade on. */
  path(ctx: CaseContext): string;
  /** The protocol error this server message reports, in a few words; undefined when it is not an error reply. */
  errorIn(message: ServerMessage): string | undefined;
  /** A message the surface accepts without complaint (positive controls: valid fragmentation, pings). */
  validMessage(tag: string): { data: Buffer; binary: boolean };
  /** Resolves undefined when the connection still works, else what failed. */
  probe(ws: RawWebSocket, ctx: CaseContext): Promise<string | undefined>;
}

/** How long a probe may take: far more than a healthy server needs (a few ms), far less than a frozen one. */
export const PROBE_TIMEOUT_MS = 3000;
