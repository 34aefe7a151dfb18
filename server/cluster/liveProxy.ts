/**
 * The editor's live view (`/ws/live?session=ID`) of a session another worker holds:
 * this worker finds the holder and relays the holder's own live channel, both ways,
 * so the editor can connect to any worker. What the holder sends is relayed as it is
 * (the holder's SessionFeed already shares one subscription among its watchers);
 * closes go through in both directions; nothing is buffered without bound — a viewer
 * that stops reading is dropped (sendBounded), and the few messages a viewer sends
 * before the holder answers are held up to a small cap.
 */
import { type RawData, WebSocket } from 'ws';
import type { Logger } from '#engine';
import type { LiveMessage } from '../api/liveMessages.ts';
import { CloseCode } from '../net/closeCodes.ts';
import { sendBounded } from '../net/sendBounded.ts';
import { toWebSocketUrl } from '../net/toWebSocketUrl.ts';
import { type ClusterSessions, LOCAL_SCOPE } from './ClusterSessions.ts';
import type { WorkerInfo } from './WorkerInfo.ts';

/** Viewer messages held while the holder's channel opens (the live channel ignores them anyway). */
const MAX_PENDING_MESSAGES = 16;
/** What may wait unsent towards the holder before further viewer messages are dropped. */
const MAX_UPSTREAM_BACKLOG_BYTES = 1024 * 1024;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Relays a viewer's live channel to the worker holding `sessionId`. Resolves false
 * (having touched nothing) when no other worker holds it.
 */
export async function watchSessionElsewhere(
  viewer: WebSocket,
  sessionId: string,
  cluster: ClusterSessions,
  logger: Logger,
): Promise<boolean> {
  const pending = new PendingMessages();
  viewer.on('message', pending.hold);
  const holder = await cluster.findHolder(sessionId);
  viewer.off('message', pending.hold);
  if (!holder) return false;
  if (viewer.readyState !== WebSocket.OPEN) return true; // the viewer left while we looked
  relay(viewer, holder, sessionId, cluster, logger, pending);
  return true;
}

function relay(
  viewer: WebSocket,
  holder: WorkerInfo,
  sessionId: string,
  cluster: ClusterSessions,
  logger: Logger,
  pending: PendingMessages,
): void {
  const url = new URL('/ws/live', toWebSocketUrl(holder.url));
  url.searchParams.set('session', sessionId);
  url.searchParams.set('scope', LOCAL_SCOPE);
  const upstream = new WebSocket(url, {
    headers: cluster.authHeaders(),
    handshakeTimeout: CONNECT_TIMEOUT_MS,
  });
  let opened = false;
  const log = logger.child({ session: sessionId, worker: holder.id });

  const toHolder = (data: RawData, isBinary: boolean) => {
    if (upstream.readyState !== WebSocket.OPEN) return pending.hold(data, isBinary);
    if (upstream.bufferedAmount > MAX_UPSTREAM_BACKLOG_BYTES) return;
    upstream.send(data, { binary: isBinary });
  };
  viewer.on('message', toHolder);

  upstream.on('open', () => {
    opened = true;
    for (const m of pending.take()) toHolder(m.data, m.isBinary);
  });
  upstream.on('message', (data, isBinary) => {
    const bytes = asBuffer(data);
    // The editor reads text messages only: keep the holder's framing.
    sendBounded(viewer, isBinary ? bytes : bytes.toString('utf8'));
  });
  upstream.on('error', (error) =>
    log.debug({ err: error.message }, 'live relay: holder socket error'),
  );
  upstream.on('close', (code, reason) => {
    viewer.off('message', toHolder);
    if (viewer.readyState !== WebSocket.OPEN) return;
    if (!opened) {
      sendBounded(
        viewer,
        JSON.stringify({
          type: 'error',
          error: `worker '${holder.id}' holds session '${sessionId.slice(0, 64)}' but cannot be reached`,
        } satisfies LiveMessage),
      );
      viewer.close(CloseCode.internalError, 'worker unreachable');
      return;
    }
    viewer.close(sendableCode(code), closeReason(reason));
  });
  viewer.once('close', () => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(CloseCode.normal, 'viewer left');
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
  });
}

/** What a viewer sent before the holder's channel opened, up to a small cap; beyond it, dropped. */
class PendingMessages {
  private readonly messages: Array<{ data: RawData; isBinary: boolean }> = [];

  readonly hold = (data: RawData, isBinary: boolean): void => {
    if (this.messages.length < MAX_PENDING_MESSAGES) this.messages.push({ data, isBinary });
  };

  take(): Array<{ data: RawData; isBinary: boolean }> {
    return this.messages.splice(0);
  }
}

/** Codes that only describe a close (no close frame, abnormal end) cannot be sent on. */
function sendableCode(code: number): number {
  if (code === 1005) return CloseCode.normal;
  if (code === 1006 || code === 1015 || code < 1000 || code >= 5000) return CloseCode.internalError;
  return code;
}

/** The holder's reason, cut to what a close frame carries (123 bytes) without splitting a character. */
function closeReason(reason: Buffer): string {
  let text = reason.toString('utf8');
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
