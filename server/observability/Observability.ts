import { hostname } from 'node:os';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Request, Response } from 'express';
import type { Frame, Logger, TurnRecord } from '#engine';
import { DEFAULT_WORKER_CAPACITY } from '../cluster/ClusterMember.ts';
import type { Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { ConversationTracer } from './ConversationTracer.ts';
import { observabilityFromEnv } from './observabilityConfig.ts';
import { ParleyMetrics } from './ParleyMetrics.ts';
import { ReportingSpanExporter } from './ReportingSpanExporter.ts';

/** What `createServer` may set; everything else comes from the environment. */
export interface ObservabilitySettings {
  /**
   * Receives the spans (each as it ends) and switches tracing on whatever the
   * environment says: tests pass an `InMemorySpanExporter`.
   */
  traceExporter?: SpanExporter;
  /** This process's id in metrics and traces; default `hostname:pid` (createServer passes the cluster's worker id). */
  workerId?: string;
  /** Sessions this worker is meant to hold (the load gauge's denominator); createServer passes the cluster's. */
  capacity?: number;
}

export interface ObservabilityOptions extends ObservabilitySettings {
  sessions: SessionManager;
  env: Record<string, string | undefined>;
  logger: Logger;
}

/** A collector that does not answer must not hold up a shutdown for the exporter's 30 s. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * The server's Prometheus metrics and OpenTelemetry traces, both off unless
 * configured (docs/observability.md). It listens to the session manager and,
 * per session, to finished turns and to errors leaving the graph: events that
 * come once per turn or per failure, never per audio frame. A fault here is
 * logged and never reaches a session.
 */
export class Observability {
  readonly metrics: ParleyMetrics | undefined;
  private readonly tracer: ConversationTracer | undefined;
  private readonly logger: Logger;

  /** Throws an Error naming the variable when the environment's settings are unusable. */
  constructor(private readonly options: ObservabilityOptions) {
    const config = observabilityFromEnv(options.env);
    this.logger = options.logger.child({ component: 'observability' });
    const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    const capacity = options.capacity ?? DEFAULT_WORKER_CAPACITY;
    if (!(capacity > 0))
      throw new Error(`observability capacity must be positive, got ${capacity}`);
    if (config.metrics)
      this.metrics = new ParleyMetrics({
        liveSessionGraphs: () => options.sessions.list().map((s) => s.graph),
        workerId,
        capacity,
      });
    const exporter =
      options.traceExporter ??
      (config.traces &&
        new ReportingSpanExporter(new OTLPTraceExporter({ url: config.traces.url }), this.logger));
    if (exporter)
      this.tracer = new ConversationTracer({
        exporter,
        batch: options.traceExporter === undefined,
        serviceName: config.traces?.serviceName ?? 'parley',
        workerId,
      });
    if (!this.metrics && !this.tracer) return;
    options.sessions.on('started', this.watch);
    this.logger.info(
      {
        metrics: this.metrics ? '/metrics' : false,
        traces: config.traces?.url ?? Boolean(this.tracer),
        workerId,
      },
      'observability on',
    );
  }

  /** `GET /metrics`: the Prometheus text format, or 404 when metrics are off. */
  readonly metricsRoute = async (_req: Request, res: Response): Promise<void> => {
    if (!this.metrics) {
      res.status(404).type('text/plain').send('metrics are off: set PARLEY_METRICS=1\n');
      return;
    }
    const body = await this.metrics.render();
    res.set('Content-Type', this.metrics.contentType).send(body);
  };

  /** Flushes the spans still buffered (bounded: an unreachable collector is not waited for). */
  async close(): Promise<void> {
    this.options.sessions.off('started', this.watch);
    if (!this.tracer) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SHUTDOWN_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([this.tracer.shutdown(), timedOut]);
      if (outcome === 'timeout')
        this.logger.warn(
          { timeoutMs: SHUTDOWN_TIMEOUT_MS },
          'trace export did not finish before shutdown',
        );
    } catch (error) {
      this.logger.warn({ err: errorText(error) }, 'trace export failed at shutdown');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs inside SessionManager.open(): a throw here would refuse the call, so none may escape. */
  private readonly watch = (session: Session): void => {
    this.guard('session', () => this.observe(session));
  };

  private observe(session: Session): void {
    const conversation = this.tracer?.startConversation({
      sessionId: session.id,
      graph: session.graphName,
      revision: session.revision,
      transport: session.transport,
    });
    const nodeType = (nodeId: string) =>
      session.runner.graph.nodes.find((n) => n.id === nodeId)?.type;
    // A record may be reported again (a usage update after the turn was heard out): count it once.
    const counted = new WeakSet<TurnRecord>();
    session.on('turn', (record) =>
      this.guard('turn', () => {
        if (counted.has(record)) return;
        counted.add(record);
        const graph = record.graph ?? session.graphName;
        this.metrics?.recordTurn(record, graph);
        conversation?.addTurn(
          record,
          { sessionId: session.id, graph, revision: session.revision },
          nodeType,
          performance.now(),
        );
      }),
    );
    // Errors travel upstream and leave the graph at transport.input: few frames, none of them audio.
    session.runner.onUpstream((frame: Frame) => {
      if (frame.type !== 'error') return;
      this.guard('error', () => {
        const type = nodeType(frame.source) ?? 'unknown';
        this.metrics?.recordProviderError(type);
        conversation?.addError(frame.source, type, frame.fatal);
      });
    });
    if (conversation)
      session.once('ended', (reason) =>
        this.guard('end', () => conversation.end(reason, session.revision)),
      );
  }

  /** Observability must never break a conversation: its own faults are logged and swallowed. */
  private guard(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.warn({ err: errorText(error), what }, 'observability failed to record');
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
