/**
 * What `/ws/live` streams to the editor, as JSON text messages: declared once, here, for
 * the server's live channel and for its clients (`import type`). Durations are
 * milliseconds; rates are per second over the last tick. Never audio. Types only.
 */
import type { NodeChange, TurnRecord } from '#engine/browser';
import type { SessionInfo } from './restTypes.ts';

/** One node's counters in a `stats` tick. */
export interface NodeLiveStats {
  framesInPerSec: number;
  framesOutPerSec: number;
  queueDepth: number;
  /** Total errors the node reported since the session started. */
  errors: number;
}

/** ~4 Hz while a session is watched. */
export interface LiveStats {
  type: 'stats';
  sessionId: string;
  /** Wall-clock time of the tick (`Date.now()`). */
  at: number;
  /** Time since the previous tick: the rates' window. */
  intervalMs: number;
  nodes: Record<string, NodeLiveStats>;
  /** Latest time to first byte per node that measures one. */
  ttfbMs: Record<string, number>;
  botSpeaking: boolean;
}

export type LiveMessage =
  /** `/ws/live` without a session: the current list, then changes. */
  | { type: 'sessions'; sessions: SessionInfo[] }
  | { type: 'session.started'; session: SessionInfo }
  | { type: 'session.ended'; sessionId: string; reason: string }
  /** `/ws/live?session=ID`: first message. */
  | { type: 'hello'; session: SessionInfo; nodeIds: string[] }
  | LiveStats
  | {
      type: 'node.error';
      sessionId: string;
      nodeId: string;
      message: string;
      fatal: boolean;
      at: number;
    }
  | { type: 'reload'; sessionId: string; revision: string; nodes: NodeChange[]; error?: string }
  /** Sent again with the same `record.turn` when a late hop or the interruption arrives. */
  | { type: 'turn'; sessionId: string; record: TurnRecord }
  | { type: 'ended'; sessionId: string; reason: string }
  /** The channel itself failed (e.g. no such session), just before it closes. */
  | { type: 'error'; error: string };
