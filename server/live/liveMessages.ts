/**
 * What `/ws/live` streams to the editor, as JSON text messages. Durations are
 * milliseconds; rates are per second over the last tick. Never audio.
 */
import type { NodeChange } from '../../engine/graph/HotReloader.ts';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';
import type { SessionInfo } from '../sessions/Session.ts';

export interface NodeLiveStats {
  framesInPerSec: number;
  framesOutPerSec: number;
  queueDepth: number;
  /** Total errors the node reported since the session started. */
  errors: number;
}

export type LiveMessage =
  /** `/ws/live` without a session: the current list, then changes. */
  | { type: 'sessions'; sessions: SessionInfo[] }
  | { type: 'session.started'; session: SessionInfo }
  | { type: 'session.ended'; sessionId: string; reason: string }
  /** `/ws/live?session=ID`: first message. */
  | { type: 'hello'; session: SessionInfo; nodeIds: string[] }
  /** ~4 Hz. */
  | { type: 'stats'; sessionId: string; at: number; intervalMs: number; nodes: Record<string, NodeLiveStats>; ttfbMs: Record<string, number>; botSpeaking: boolean }
  | { type: 'node.error'; sessionId: string; nodeId: string; message: string; fatal: boolean; at: number }
  | { type: 'reload'; sessionId: string; revision: string; nodes: NodeChange[]; error?: string }
  | { type: 'turn'; sessionId: string; record: TurnRecord }
  | { type: 'ended'; sessionId: string; reason: string }
  | { type: 'error'; error: string };
