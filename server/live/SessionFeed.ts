import type { WebSocket } from 'ws';
import type { Frame, TurnRecord } from '#engine';
import type { LiveMessage, NodeLiveStats } from '../api/liveMessages.ts';
import type { ReloadResult } from '../api/restTypes.ts';
import { sendBounded } from '../net/sendBounded.ts';
import type { Session } from '../sessions/Session.ts';

/** More errors than this per tick are counted, not streamed: a failing node must not flood the editor. */
const MAX_ERRORS_PER_TICK = 10;

type NodeCounters = { framesIn: number; framesOut: number; errors: number; queueDepth: number };

/**
 * One live session's feed to every editor watching it: one subscription to
 * the session and one timer however many sockets watch (so a crowd of
 * editors costs one snapshot per tick, and adds no listeners to the
 * session), each message serialised once and sent to all of them.
 */
export class SessionFeed {
  private readonly watchers = new Set<WebSocket>();
  private readonly timer: NodeJS.Timeout;
  private last: Map<string, NodeCounters>;
  private lastAt = performance.now();
  private errorsThisTick = 0;
  private stopped = false;

  constructor(
    private readonly session: Session,
    private readonly redact: (text: string) => string,
    intervalMs: number,
    /** Called once the feed has no watchers left or its session ended. */
    private readonly onStopped: () => void,
  ) {
    this.last = snapshot(session);
    this.timer = setInterval(this.tick, intervalMs);
    this.timer.unref();
    session.on('frame', this.onFrame);
    session.on('reload', this.onReload);
    session.on('turn', this.onTurn);
    session.on('ended', this.onEnded);
  }

  add(ws: WebSocket): void {
    this.watchers.add(ws);
    sendBounded(
      ws,
      JSON.stringify({
        type: 'hello',
        session: this.session.info,
        nodeIds: [...this.session.runner.nodes().keys()],
      } satisfies LiveMessage),
    );
    ws.once('close', () => {
      this.watchers.delete(ws);
      if (this.watchers.size === 0) this.stop();
    });
  }

  private readonly tick = (): void => {
    const now = performance.now();
    const current = snapshot(this.session);
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    const nodes: Record<string, NodeLiveStats> = {};
    for (const [id, stats] of current) {
      const before = this.last.get(id) ?? { framesIn: 0, framesOut: 0, errors: 0, queueDepth: 0 };
      nodes[id] = {
        framesInPerSec: round((stats.framesIn - before.framesIn) / seconds),
        framesOutPerSec: round((stats.framesOut - before.framesOut) / seconds),
        queueDepth: stats.queueDepth,
        errors: stats.errors,
      };
    }
    const sessionId = this.session.id;
    this.broadcast({
      type: 'stats',
      sessionId,
      at: Date.now(),
      intervalMs: Math.round(now - this.lastAt),
      nodes,
      ttfbMs: { ...this.session.ttfbMs },
      botSpeaking: this.session.runner.isBotSpeaking,
    });
    this.last = current;
    this.lastAt = now;
    this.errorsThisTick = 0;
  };

  private readonly onFrame = (frame: Frame): void => {
    if (frame.type !== 'error' || this.errorsThisTick++ >= MAX_ERRORS_PER_TICK) return;
    this.broadcast({
      type: 'node.error',
      sessionId: this.session.id,
      nodeId: frame.source,
      message: this.redact(frame.message),
      fatal: frame.fatal,
      at: Date.now(),
    });
  };

  private readonly onReload = (r: ReloadResult): void => {
    this.broadcast({
      type: 'reload',
      sessionId: this.session.id,
      revision: r.revision,
      nodes: r.nodes,
      error: r.error,
    });
  };

  private readonly onTurn = (record: TurnRecord): void => {
    this.broadcast({ type: 'turn', sessionId: this.session.id, record });
  };

  private readonly onEnded = (reason: string): void => {
    this.tick();
    this.broadcast({ type: 'ended', sessionId: this.session.id, reason });
    for (const ws of this.watchers) ws.close(1000, 'session ended');
    this.stop();
  };

  private broadcast(message: LiveMessage): void {
    if (this.watchers.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of this.watchers) sendBounded(ws, text);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.session.off('frame', this.onFrame);
    this.session.off('reload', this.onReload);
    this.session.off('turn', this.onTurn);
    this.session.off('ended', this.onEnded);
    this.watchers.clear();
    this.onStopped();
  }
}

function snapshot(session: Session): Map<string, NodeCounters> {
  const out = new Map<string, NodeCounters>();
  for (const [id, inst] of session.runner.nodes())
    if (inst.processor) out.set(id, inst.processor.stats);
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
