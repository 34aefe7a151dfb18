import type { WebSocket } from 'ws';
import type { Frame } from '../../engine/core/frames.ts';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';
import type { ReloadResult, Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { LiveMessage, NodeLiveStats } from './liveMessages.ts';

export interface LiveChannelOptions {
  sessions: SessionManager;
  redact: (text: string) => string;
  intervalMs?: number;
}

/** More errors than this per tick are counted, not streamed: a failing node must not flood the editor. */
const MAX_ERRORS_PER_TICK = 10;

/** `/ws/live`: the editor's view of running sessions (see liveMessages.ts). */
export class LiveChannel {
  constructor(private readonly options: LiveChannelOptions) {}

  /** Streams the list of sessions as they come and go. */
  attachList(ws: WebSocket): void {
    const { sessions } = this.options;
    send(ws, { type: 'sessions', sessions: sessions.list() });
    const started = (s: Session) => send(ws, { type: 'session.started', session: s.info });
    const ended = (s: Session, reason: string) => send(ws, { type: 'session.ended', sessionId: s.id, reason });
    sessions.on('started', started);
    sessions.on('ended', ended);
    ws.on('close', () => {
      sessions.off('started', started);
      sessions.off('ended', ended);
    });
    ws.on('message', () => undefined); // the channel is one-way; input is ignored
  }

  /** Streams one session's counters, errors, reloads and turns. */
  attachSession(ws: WebSocket, sessionId: string): void {
    const session = this.options.sessions.get(sessionId);
    if (!session) {
      send(ws, { type: 'error', error: `no live session '${sessionId.slice(0, 64)}'` });
      ws.close(4404, 'no such session');
      return;
    }
    const intervalMs = this.options.intervalMs ?? 250;
    send(ws, { type: 'hello', session: session.info, nodeIds: [...session.runner.nodes().keys()] });

    let last = snapshot(session);
    let lastAt = performance.now();
    let errorsThisTick = 0;
    const tick = () => {
      const now = performance.now();
      const current = snapshot(session);
      const seconds = Math.max(0.001, (now - lastAt) / 1000);
      const nodes: Record<string, NodeLiveStats> = {};
      for (const [id, stats] of current) {
        const before = last.get(id) ?? { framesIn: 0, framesOut: 0, errors: 0, queueDepth: 0 };
        nodes[id] = {
          framesInPerSec: round((stats.framesIn - before.framesIn) / seconds),
          framesOutPerSec: round((stats.framesOut - before.framesOut) / seconds),
          queueDepth: stats.queueDepth,
          errors: stats.errors,
        };
      }
      send(ws, { type: 'stats', sessionId, at: Date.now(), intervalMs: Math.round(now - lastAt), nodes, ttfbMs: { ...session.ttfbMs }, botSpeaking: session.runner.isBotSpeaking });
      last = current;
      lastAt = now;
      errorsThisTick = 0;
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();

    const onFrame = (frame: Frame) => {
      if (frame.type !== 'error' || errorsThisTick++ >= MAX_ERRORS_PER_TICK) return;
      send(ws, { type: 'node.error', sessionId, nodeId: frame.source, message: this.options.redact(frame.message), fatal: frame.fatal, at: Date.now() });
    };
    const onReload = (r: ReloadResult) => send(ws, { type: 'reload', sessionId, revision: r.revision, nodes: r.nodes, error: r.error });
    const onTurn = (record: TurnRecord) => send(ws, { type: 'turn', sessionId, record });
    const onEnded = (reason: string) => {
      tick();
      send(ws, { type: 'ended', sessionId, reason });
      cleanup();
      ws.close(1000, 'session ended');
    };
    const cleanup = () => {
      clearInterval(timer);
      session.off('frame', onFrame);
      session.off('reload', onReload);
      session.off('turn', onTurn);
      session.off('ended', onEnded);
    };
    session.on('frame', onFrame);
    session.on('reload', onReload);
    session.on('turn', onTurn);
    session.on('ended', onEnded);
    ws.on('close', cleanup);
    ws.on('message', () => undefined);
  }
}

function snapshot(session: Session): Map<string, { framesIn: number; framesOut: number; errors: number; queueDepth: number }> {
  const out = new Map<string, { framesIn: number; framesOut: number; errors: number; queueDepth: number }>();
  for (const [id, inst] of session.runner.nodes()) if (inst.processor) out.set(id, inst.processor.stats);
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function send(ws: WebSocket, message: LiveMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
