/**
 * /ws/live: one-way JSON from the server; whatever a client sends is ignored.
 * So the probes watch the stream go on: the session channel must keep sending
 * `stats` (every 250 ms), the list channel must report a session that starts.
 */
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../server/helpers/RawWebSocket.ts';
import { preview } from '../FuzzCase.ts';
import { PROBE_TIMEOUT_MS, type WsDriver } from './WsDriver.ts';

export function liveMessageIn(
  message: ServerMessage,
): { type?: unknown; error?: unknown } | undefined {
  if (message.binary) return { type: 'binary server message' };
  try {
    return JSON.parse(message.data.toString('utf8')) as { type?: unknown; error?: unknown };
  } catch {
    return { type: 'non-JSON server message' };
  }
}

const errorIn = (message: ServerMessage): string | undefined => {
  const live = liveMessageIn(message);
  return live?.type === 'error' ? `error '${preview(String(live.error), 100)}'` : undefined;
};

const validMessage = (tag: string) => ({
  data: Buffer.from(JSON.stringify({ type: 'hello-from-a-client', tag, note: 'ünïcödé ✓ 𝄞' })),
  binary: false,
});

export const liveSessionDriver: WsDriver = {
  name: 'live session',
  path: (ctx) => `/ws/live?session=${encodeURIComponent(ctx.healthySessionId)}`,
  errorIn,
  validMessage,
  async probe(ws) {
    const from = ws.messages.length;
    const stats = await ws.waitForMessage(
      (m) => liveMessageIn(m)?.type === 'stats',
      PROBE_TIMEOUT_MS,
      from,
    );
    return stats
      ? undefined
      : `probe: no 'stats' within ${PROBE_TIMEOUT_MS} ms (they come every 250 ms)`;
  },
};

export const liveListDriver: WsDriver = {
  name: 'live list',
  path: () => '/ws/live',
  errorIn,
  validMessage,
  async probe(ws, ctx) {
    const from = ws.messages.length;
    const client = new WebSocket(`${ctx.server.wsUrl}/ws/pipecat?graph=echo`);
    client.on('error', () => undefined); // a failed probe is reported below, not thrown
    try {
      const started = await ws.waitForMessage(
        (m) => liveMessageIn(m)?.type === 'session.started',
        PROBE_TIMEOUT_MS,
        from,
      );
      return started
        ? undefined
        : `probe: a Pipecat session started and the list channel said nothing within ${PROBE_TIMEOUT_MS} ms`;
    } finally {
      client.terminate();
    }
  },
};
