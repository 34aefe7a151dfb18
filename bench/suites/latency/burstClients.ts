/**
 * Worker thread: Pipecat clients that connect all at once and time how long
 * each waits for `bot-ready`. In a thread of its own so the clients' sockets
 * and protobuf work do not run on the server's event loop, as real clients
 * would not.
 *
 * In: { kind: 'burst', url, n } then { kind: 'closeAll' }; out: BurstResult, then { kind: 'closed' }.
 */
import { parentPort } from 'node:worker_threads';
import { WebSocket } from 'ws';
import {
  decodePipecatFrame,
  encodeMessageFrame,
} from '../../../server/transports/pipecat/pipecatFrames.ts';

export type BurstRequest = { kind: 'burst'; url: string; n: number } | { kind: 'closeAll' };
export type BurstReply =
  | { kind: 'burst'; readyMs: number[]; failures: string[] }
  | { kind: 'closed' };

const open: WebSocket[] = [];

/** Connect → `bot-ready` (the client sends `client-ready` as soon as the socket is open), ms. */
function timeToBotReady(url: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    open.push(ws);
    ws.on('open', () =>
      ws.send(
        encodeMessageFrame({
          label: 'rtvi-ai',
          type: 'client-ready',
          id: 'ready',
          data: { version: '2.1.0' },
        }),
      ),
    );
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodePipecatFrame(new Uint8Array(data));
      if (frame.kind !== 'message') return;
      const message = JSON.parse(frame.data) as { type?: string; data?: { error?: string } };
      if (message.type === 'bot-ready') resolve(performance.now() - t0);
      if (message.type === 'error') reject(new Error(message.data?.error ?? 'error'));
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
  });
}

async function burst(url: string, n: number): Promise<BurstReply> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => timeToBotReady(url)));
  return {
    kind: 'burst',
    readyMs: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    failures: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
  };
}

async function closeAll(): Promise<BurstReply> {
  const sockets = open.splice(0);
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
  return { kind: 'closed' };
}

parentPort?.on('message', (request: BurstRequest) => {
  const reply = request.kind === 'burst' ? burst(request.url, request.n) : closeAll();
  void reply.then((message) => parentPort?.postMessage(message));
});
