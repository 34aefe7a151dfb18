import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TurnRecord } from '#engine';
import { type TimedSpan, turnTimeline } from './turnTimeline.ts';

export interface ConversationTracerOptions {
  exporter: SpanExporter;
  /**
   * Batch spans before exporting (what a network exporter wants). An
   * in-process exporter (tests, a custom sink) can take each span as it ends.
   */
  batch: boolean;
  serviceName: string;
  workerId: string;
}

/** What every span of a conversation carries, so a trace backend can filter by graph, revision or session. */
export interface ConversationIdentity {
  sessionId: string;
  graph: string;
  revision: string;
  transport: string;
}

/**
 * Traces of one server's conversations, on a tracer provider of its own (not
 * the global one): several servers in one process export to their own
 * exporters, and `shutdown()` flushes exactly this server's spans.
 */
export class ConversationTracer {
  private readonly provider: BasicTracerProvider;

  constructor(options: ConversationTracerOptions) {
    const processor = options.batch
      ? new BatchSpanProcessor(options.exporter)
      : new SimpleSpanProcessor(options.exporter);
    this.provider = new BasicTracerProvider({
      // The default resource names the SDK (telemetry.sdk.*); ours names the service and this worker.
      resource: defaultResource().merge(
        resourceFromAttributes({
          [ATTR_SERVICE_NAME]: options.serviceName,
          [ATTR_SERVICE_INSTANCE_ID]: options.workerId,
        }),
      ),
      spanProcessors: [processor],
    });
  }

  /** The conversation's root span starts now; turns are added as they finish. */
  startConversation(identity: ConversationIdentity): ConversationTrace {
    const tracer = this.provider.getTracer('parley');
    const span = tracer.startSpan('conversation', {
      attributes: { ...identityAttributes(identity), 'parley.transport': identity.transport },
    });
    return new ConversationTrace(span, (name, spanOptions, parent) =>
      tracer.startSpan(name, spanOptions, trace.setSpan(ROOT_CONTEXT, parent)),
    );
  }

  /** Exports what is buffered and stops; spans ended later are dropped. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

type StartChild = (
  name: string,
  options: { startTime: number; attributes: Attributes },
  parent: Span,
) => Span;

/** The spans of one live conversation. */
export class ConversationTrace {
  private turns = 0;

  constructor(
    private readonly root: Span,
    private readonly startChild: StartChild,
  ) {}

  /**
   * One finished turn: a `turn` span and its service spans, with the times
   * the engine measured. `emittedAt` is the session clock's now.
   */
  addTurn(
    record: TurnRecord,
    identity: Omit<ConversationIdentity, 'transport'>,
    nodeType: (nodeId: string) => string | undefined,
    emittedAt: number,
  ): void {
    this.turns++;
    const timeline = turnTimeline(record, nodeType, emittedAt);
    const common = identityAttributes(identity);
    const turn = this.open(timeline.turn, common, this.root);
    for (const child of timeline.children) this.open(child, common, turn).end(epochMs(child.endAt));
    turn.end(epochMs(timeline.turn.endAt));
  }

  /** A node reported an error: an event on the conversation, where a trace viewer shows it. */
  addError(nodeId: string, nodeType: string, fatal: boolean): void {
    this.root.addEvent('node.error', {
      'parley.node.id': nodeId,
      'parley.node.type': nodeType,
      'parley.error.fatal': fatal,
    });
  }

  end(reason: string, revision: string): void {
    this.root.setAttributes({
      'parley.session.end_reason': reason,
      'parley.session.turns': this.turns,
      'parley.graph.revision.final': revision,
    });
    this.root.end();
  }

  private open(timed: TimedSpan, common: Attributes, parent: Span): Span {
    const span = this.startChild(
      timed.name,
      { startTime: epochMs(timed.startAt), attributes: { ...common, ...timed.attributes } },
      parent,
    );
    if (timed.isError) span.setStatus({ code: SpanStatusCode.ERROR });
    return span;
  }
}

function identityAttributes(identity: Omit<ConversationIdentity, 'transport'>): Attributes {
  return {
    'parley.session.id': identity.sessionId,
    'parley.graph': identity.graph,
    'parley.graph.revision': identity.revision,
  };
}

/** Session clock (performance.now()) → wall-clock epoch milliseconds, as OTel timestamps are. */
function epochMs(clockMs: number): number {
  return performance.timeOrigin + clockMs;
}
