import { type Recording, SessionRecorder } from '#engine';
import type { TalkRecordingStatus } from '../api/scenarioWire.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { ScenarioApiError } from './ScenarioApiError.ts';

interface Kept {
  sessionId: string;
  state: TalkRecordingStatus['state'];
  recording?: Recording;
  done: Promise<void>;
  error?: string;
  /** Set when the session ended: retention counts from there. */
  endedAt?: number;
}

export interface TalkRecordingLimits {
  /** Finished recordings kept; the oldest goes first. */
  maxKept: number;
  ttlMs: number;
  /** Audio past this much of one session is not kept. */
  maxDurationMs: number;
}

/**
 * Recordings of the editor's Talk sessions, kept in memory only, for "Save as
 * scenario". The editor asks for one when its Talk session starts; nothing
 * else is recorded, and nothing is written to disk unless the user saves it.
 * Finished recordings are forgotten after `ttlMs` or when more than `maxKept`
 * are held. This keeps PARLEY_RECORD (which records every session of a graph
 * to disk) off by default while a developer's own test conversation, which
 * they asked to record by talking from the editor, can become a scenario.
 */
export class TalkRecordings {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly limits: TalkRecordingLimits,
  ) {}

  /** Starts recording a live session from now. 404: no such session; 409: already recording it. */
  start(sessionId: string): TalkRecordingStatus {
    this.expire();
    const session = this.sessions.get(sessionId);
    if (!session) throw new ScenarioApiError(404, `no live session "${sessionId}" to record`);
    if (this.kept.has(sessionId))
      throw new ScenarioApiError(409, `session "${sessionId}" is already being recorded`);
    const live = [...this.kept.values()].filter((k) => k.state === 'recording').length;
    if (live >= this.limits.maxKept)
      throw new ScenarioApiError(
        429,
        `${live} Talk sessions are being recorded already (at most ${this.limits.maxKept})`,
      );
    const recorder = new SessionRecorder(
      session.runner,
      {
        id: `talk-${sessionId}`,
        sessionId,
        transport: session.transport,
        graphName: session.graphName,
        revision: session.revision,
      },
      { maxDurationMs: this.limits.maxDurationMs },
    );
    let settle: () => void = () => {};
    const entry: Kept = {
      sessionId,
      state: 'recording',
      done: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    this.kept.set(sessionId, entry);
    session.once('ended', () => {
      entry.endedAt = Date.now();
      recorder
        .finish()
        .then((recording) => {
          entry.recording = recording;
          entry.state = 'ready';
        })
        .catch((error: unknown) => {
          entry.state = 'failed';
          entry.error = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          settle();
          this.expire();
        });
    });
    return this.describe(entry);
  }

  status(sessionId: string): TalkRecordingStatus {
    this.expire();
    const entry = this.kept.get(sessionId);
    if (!entry)
      throw new ScenarioApiError(
        404,
        `no Talk recording of session "${sessionId}" (expired or never started)`,
      );
    return this.describe(entry);
  }

  /** The finished recording, waiting (bounded) for a session that is just ending. 409 while it is live. */
  async recording(sessionId: string, waitMs = 5000): Promise<Recording> {
    const entry = this.kept.get(sessionId);
    if (!entry)
      throw new ScenarioApiError(
        404,
        `no Talk recording of session "${sessionId}" (expired or never started)`,
      );
    if (entry.state === 'recording') {
      if (this.sessions.get(sessionId))
        throw new ScenarioApiError(
          409,
          `session "${sessionId}" is still live: end the Talk session first`,
        );
      // Just ended: its recording is being assembled.
      await Promise.race([entry.done, delay(waitMs)]);
    }
    if (entry.state === 'recording')
      throw new ScenarioApiError(
        503,
        `the recording of session "${sessionId}" is not ready yet: try again`,
      );
    if (!entry.recording)
      throw new ScenarioApiError(
        500,
        `the recording of session "${sessionId}" failed: ${entry.error}`,
      );
    return entry.recording;
  }

  private describe(entry: Kept): TalkRecordingStatus {
    return {
      sessionId: entry.sessionId,
      state: entry.state,
      ...(entry.recording ? { turns: entry.recording.meta.turns.length } : {}),
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.endedAt !== undefined
        ? { expiresAt: new Date(entry.endedAt + this.limits.ttlMs).toISOString() }
        : {}),
    };
  }

  /** Forgets finished recordings past their time, then the oldest beyond the count. */
  private expire(now = Date.now()): void {
    const finished = [...this.kept.values()]
      .filter((k) => k.endedAt !== undefined && k.state !== 'recording')
      .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    finished.forEach((k, i) => {
      if (i >= this.limits.maxKept || now - (k.endedAt ?? now) > this.limits.ttlMs)
        this.kept.delete(k.sessionId);
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
