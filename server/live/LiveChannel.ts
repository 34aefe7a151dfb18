import type { WebSocket } from 'ws';
import type { LiveMessage } from '../api/liveMessages.ts';
import { CloseCode } from '../net/closeCodes.ts';
import { sendBounded } from '../net/sendBounded.ts';
import type { Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { SessionFeed } from './SessionFeed.ts';

export interface LiveChannelOptions {
  sessions: SessionManager;
  redact: (text: string) => string;
  intervalMs?: number;
  /**
   * In a cluster: relays the view of a session another worker holds
   * (server/cluster/liveProxy.ts); resolves false when no worker holds it.
   */
  watchElsewhere?: (ws: WebSocket, sessionId: string) => Promise<boolean>;
}

/**
 * `/ws/live`: the editor's view of running sessions (see server/api/liveMessages.ts).
 * The channel is one-way: what a client sends is ignored. However many
 * editors watch, the session manager and each session see one listener.
 */
export class LiveChannel {
  private readonly listWatchers = new Set<WebSocket>();
  private readonly feeds = new Map<string, SessionFeed>();

  constructor(private readonly options: LiveChannelOptions) {}

  /** Streams the list of sessions as they come and go. */
  attachList(ws: WebSocket): void {
    if (this.listWatchers.size === 0) {
      this.options.sessions.on('started', this.onStarted);
      this.options.sessions.on('ended', this.onEnded);
    }
    this.listWatchers.add(ws);
    sendBounded(
      ws,
      JSON.stringify({
        type: 'sessions',
        sessions: this.options.sessions.list(),
      } satisfies LiveMessage),
    );
    ws.once('close', () => {
      this.listWatchers.delete(ws);
      if (this.listWatchers.size > 0) return;
      this.options.sessions.off('started', this.onStarted);
      this.options.sessions.off('ended', this.onEnded);
    });
  }

  /**
   * Streams one session's counters, errors, reloads and turns. A session held by
   * another worker is relayed from it, unless `localOnly` (a relay asking this worker).
   */
  attachSession(ws: WebSocket, sessionId: string, localOnly = false): void {
    const session = this.options.sessions.get(sessionId);
    if (!session) {
      const elsewhere = localOnly ? undefined : this.options.watchElsewhere;
      if (!elsewhere) return noSuchSession(ws, sessionId);
      elsewhere(ws, sessionId).then(
        (found) => found || noSuchSession(ws, sessionId),
        () => noSuchSession(ws, sessionId),
      );
      return;
    }
    let feed = this.feeds.get(sessionId);
    if (!feed) {
      feed = new SessionFeed(session, this.options.redact, this.options.intervalMs ?? 250, () =>
        this.feeds.delete(sessionId),
      );
      this.feeds.set(sessionId, feed);
    }
    feed.add(ws);
  }

  private readonly onStarted = (s: Session): void =>
    this.broadcastList({ type: 'session.started', session: s.info });

  private readonly onEnded = (s: Session, reason: string): void =>
    this.broadcastList({ type: 'session.ended', sessionId: s.id, reason });

  private broadcastList(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const ws of this.listWatchers) sendBounded(ws, text);
  }
}

function noSuchSession(ws: WebSocket, sessionId: string): void {
  sendBounded(
    ws,
    JSON.stringify({
      type: 'error',
      error: `no live session '${sessionId.slice(0, 64)}'`,
    } satisfies LiveMessage),
  );
  ws.close(CloseCode.notFound, 'no such session');
}
