import { EventEmitter } from 'node:events';
import {
  applyGraph,
  type Frame,
  GraphRunner,
  LatencyObserver,
  type Logger,
  type NodeRegistry,
  pricesFor,
  TRANSPORT_OUTPUT,
  type TurnRecord,
  type UsageSummary,
  writeTurnJournal,
} from '#engine';
import type { ReloadResult, SessionInfo } from '../api/restTypes.ts';
import { SeenFrameIds } from './SeenFrameIds.ts';

export interface SessionOptions {
  id: string;
  graphName: string;
  revision: string;
  transport: string;
  registry: NodeRegistry;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** How long a reload waits for the bot to stop speaking before replacing processors. */
  quietTimeoutMs: number;
  audioOutSampleRate?: number;
  /** When set, the session's turn records are appended to `<dir>/<session id>.jsonl` when it ends. */
  turnLogDir?: string;
}

interface SessionEvents {
  /** A frame seen for the first time anywhere in the graph (where it was created). */
  frame: [Frame];
  /** A frame leaving transport.output: what the client gets, paced in real time. */
  output: [Frame];
  turn: [TurnRecord];
  reload: [ReloadResult];
  ended: [string];
}

/**
 * One conversation: a GraphRunner bound to one transport connection. The
 * transport feeds `push()` and listens to `output`/`frame`; the live channel
 * listens to everything else. `close()` releases it all.
 */
export class Session extends EventEmitter<SessionEvents> {
  readonly id: string;
  /** The graph the session runs now; `switchGraph` changes it mid-conversation. */
  graphName: string;
  readonly transport: string;
  readonly startedAt = new Date().toISOString();
  readonly runner: GraphRunner;
  readonly logger: Logger;
  revision: string;
  /** Latest time-to-first-byte per node (ms). */
  readonly ttfbMs: Record<string, number> = {};
  private readonly latency = new LatencyObserver({
    // Looked up when a turn ends: the graph may have been switched or reloaded since the start.
    prices: (nodeId) => {
      const graph = this.runner.graph;
      const type = graph.nodes.find((n) => n.id === nodeId)?.type;
      return pricesFor(nodeId, type, graph.prices);
    },
  });
  private readonly seen = new SeenFrameIds();
  private readonly stopObserving: () => void;
  private reloadChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Throws GraphValidationError or MissingCredentialError when the graph cannot run. */
  constructor(
    graph: unknown,
    private readonly options: SessionOptions,
  ) {
    super();
    this.id = options.id;
    this.graphName = options.graphName;
    this.revision = options.revision;
    this.transport = options.transport;
    this.logger = options.logger.child({ session: options.id, graph: options.graphName });
    this.runner = new GraphRunner(graph, {
      registry: options.registry,
      env: options.env,
      logger: options.logger,
      sessionId: options.id,
      audioOutSampleRate: options.audioOutSampleRate,
    });
    this.latency.onTurn((record) => {
      // The graph the turn ran on; a turn reported again later keeps its first tag.
      record.graph ??= this.graphName;
      // One structured line per turn: the waterfall, voice-to-voice, barge-in.
      this.logger.info({ turn: record }, 'turn');
      this.emit('turn', record);
    });
    this.stopObserving = this.runner.observeHops((hop) => {
      this.latency.observe(hop);
      if (this.seen.firstSighting(hop.frame.id)) this.onFrame(hop.frame);
    });
    this.runner.onOutput((frame) => this.emit('output', frame));
  }

  get info(): SessionInfo {
    return {
      id: this.id,
      graph: this.graphName,
      revision: this.revision,
      transport: this.transport,
      startedAt: this.startedAt,
    };
  }

  /** Usage and cost summed over the finished turns; per minute of the session so far. */
  usage(): UsageSummary {
    const minutes = (Date.now() - Date.parse(this.startedAt)) / 60_000;
    return this.latency.sessionUsage(minutes);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  push(frame: Frame): void {
    if (!this.closed) this.runner.push(frame);
  }

  /** The output node's id, for transports that care which frames are paced. */
  get outputNodeId(): string | undefined {
    return this.runner.graph.nodes.find((n) => n.type === TRANSPORT_OUTPUT)?.id;
  }

  /** Applies a new version of the graph; reloads of one session run one after another. */
  reload(graph: unknown, revision: string): Promise<ReloadResult> {
    const run = async (): Promise<ReloadResult> => {
      if (this.closed) return { sessionId: this.id, revision, nodes: [], error: 'session ended' };
      try {
        const report = await applyGraph(this.runner, graph, {
          quietTimeoutMs: this.options.quietTimeoutMs,
        });
        this.revision = revision;
        return { sessionId: this.id, revision, nodes: report.nodes };
      } catch (error) {
        return {
          sessionId: this.id,
          revision,
          nodes: [],
          error: error instanceof Error ? error.message : String(error),
        };
      }
    };
    const result = this.reloadChain.then(run, run);
    this.reloadChain = result;
    return result.then((r) => {
      this.logger.info(
        {
          revision,
          error: r.error,
          changes: r.nodes.filter((n) => n.outcome !== 'unchanged').length,
        },
        'session reloaded',
      );
      this.emit('reload', r);
      return r;
    });
  }

  /**
   * Continues this conversation on another stored graph: the same hot-reload
   * path as a deploy (a diff by node id, applied at a quiet point), so the
   * session's ConversationContext and transport stay. On success the session
   * follows that graph from now on (its deploys reload this session).
   */
  async switchGraph(graphName: string, graph: unknown, revision: string): Promise<ReloadResult> {
    // A node that cannot be built would leave a half-swapped graph: refuse before touching anything.
    try {
      const doc = (this.runner.constructor as typeof GraphRunner).validate(
        graph,
        this.options.registry,
      );
      for (const node of doc.nodes)
        this.options.registry.resolveEnvironment(node, this.options.env);
    } catch (error) {
      return {
        sessionId: this.id,
        revision: this.revision,
        nodes: [],
        error: error instanceof Error ? error.message : String(error),
      };
    }
    const previousRevision = this.revision;
    const result = await this.reload(graph, revision);
    const refused =
      result.error !== undefined || result.nodes.some((n) => n.outcome === 'new-sessions-only');
    if (refused) {
      // Nothing was applied: the session still runs its old graph and revision.
      this.revision = previousRevision;
      return {
        ...result,
        error:
          result.error ??
          result.nodes.find((n) => n.reason)?.reason ??
          'cannot be applied to a live session',
      };
    }
    this.graphName = graphName;
    this.logger.info({ graph: graphName, revision }, 'session switched graph');
    return result;
  }

  /** Releases everything at once: processors, observers, listeners. Idempotent. */
  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.stopObserving();
    this.latency.flush();
    try {
      this.runner.cancel(reason);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'cancel failed');
    }
    this.emit('ended', reason);
    this.removeAllListeners();
    this.writeTurnLog();
  }

  private writeTurnLog(): void {
    const dir = this.options.turnLogDir;
    if (!dir) return;
    writeTurnJournal(dir, this.id, this.latency.records, {
      session: this.id,
      graph: this.graphName,
    }).then(
      (file) =>
        file && this.logger.info({ file, turns: this.latency.records.length }, 'turn log written'),
      (error: unknown) =>
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'turn log could not be written',
        ),
    );
  }

  private onFrame(frame: Frame): void {
    if (frame.type === 'metrics') {
      for (const m of frame.metrics)
        if (m.name === 'ttfb') this.ttfbMs[m.source] = Math.round(m.value * 10) / 10;
    }
    this.emit('frame', frame);
  }
}
