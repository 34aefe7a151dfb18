import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger, NodeRegistry } from '#engine';
import type { ReloadResult, SessionInfo, SwitchResult } from '../api/restTypes.ts';
import {
  type RecordingSettings,
  recordingSettingsFromEnv,
  recordsGraph,
} from '../recording/RecordingSettings.ts';
import { recordSession } from '../recording/recordSession.ts';
import type { GraphStorage } from '../store/GraphStorage.ts';
import { GraphNotFoundError } from '../store/StoreErrors.ts';
import { Session } from './Session.ts';

export interface SessionManagerOptions {
  registry: NodeRegistry;
  env: Record<string, string | undefined>;
  store: GraphStorage;
  logger: Logger;
  quietTimeoutMs?: number;
  /** Makes each new session's id; default a UUID (a cluster member's ids name it: cluster/sessionIds.ts). */
  newId?: () => string;
}

interface ManagerEvents {
  started: [Session];
  ended: [Session, string];
}

/**
 * Every live session of the server. Sessions are independent: one failing
 * to start or crashing never touches another. Graphs edited on disk are
 * hot-reloaded into the sessions running them.
 */
export class SessionManager extends EventEmitter<ManagerEvents> {
  private readonly sessions = new Map<string, Session>();
  /** Off unless PARLEY_RECORD is set (server/recording/RecordingSettings.ts). */
  private readonly recording: RecordingSettings | undefined;
  private readonly recordingWrites = new Set<Promise<unknown>>();

  constructor(private readonly options: SessionManagerOptions) {
    super();
    this.recording = recordingSettingsFromEnv(options.env);
    options.store.on('change', (change) => {
      // An API save is reloaded by the route that made it, which reports how it went;
      // edits on disk and other workers' deploys are reloaded here.
      if (change.source === 'api' || !change.stored) return;
      void this.reloadGraph(change.name, change.stored.graph, change.stored.revision);
    });
  }

  /**
   * Builds and starts a session of a stored graph. Throws GraphNotFoundError,
   * GraphValidationError or MissingCredentialError when it cannot run.
   */
  async open(graphName: string, transport: string): Promise<Session> {
    const stored = await this.options.store.get(graphName).catch((error: unknown) => {
      throw new Error(
        `its file cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    });
    if (!stored) throw new GraphNotFoundError(graphName);
    const session = new Session(stored.graph, {
      id: this.options.newId?.() ?? randomUUID(),
      graphName,
      revision: stored.revision,
      transport,
      registry: this.options.registry,
      env: this.options.env,
      logger: this.options.logger,
      quietTimeoutMs: this.options.quietTimeoutMs ?? 5000,
      turnLogDir: this.options.env.PARLEY_TURN_LOG_DIR || undefined,
    });
    this.sessions.set(session.id, session);
    if (this.recording && recordsGraph(this.recording, graphName)) {
      const written = recordSession(session, this.recording);
      this.recordingWrites.add(written);
      void written.then(() => this.recordingWrites.delete(written));
    }
    session.once('ended', (reason) => {
      this.sessions.delete(session.id);
      session.logger.info({ reason }, 'session ended');
      this.emit('ended', session, reason);
    });
    session.logger.info({ transport, revision: stored.revision }, 'session started');
    this.emit('started', session);
    await session.start();
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Applies a new graph version to every live session of that graph. */
  async reloadGraph(graphName: string, graph: unknown, revision: string): Promise<ReloadResult[]> {
    const targets = [...this.sessions.values()].filter((s) => s.graphName === graphName);
    return Promise.all(targets.map((s) => s.reload(graph, revision)));
  }

  /**
   * Continues a live session on another stored graph (same conversation, same
   * transport). Throws GraphNotFoundError; `undefined` when there is no such session.
   */
  async switchGraph(sessionId: string, graphName: string): Promise<SwitchResult | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    const stored = await this.options.store.get(graphName);
    if (!stored) throw new GraphNotFoundError(graphName);
    const result = await session.switchGraph(graphName, stored.graph, stored.revision);
    return { ...result, graph: session.graphName };
  }

  closeAll(reason: string): void {
    for (const session of [...this.sessions.values()]) session.close(reason);
  }

  /** Resolves when the recordings of ended sessions are on disk (bounded: a stuck write is not waited for). */
  async recordingsWritten(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.recordingWrites),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
