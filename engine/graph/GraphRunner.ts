import { type Clock, realClock } from '../core/Clock.ts';
import { ConversationContext } from '../core/ConversationContext.ts';
import type { Direction, FrameProcessor } from '../core/FrameProcessor.ts';
import {
  createFrame,
  type Frame,
  type FrameOf,
  type FramePayloads,
  type FrameType,
} from '../core/frames.ts';
import { type Logger, silentLogger } from '../core/Logger.ts';
import type { TransportInput } from '../processors/transport/TransportInput.ts';
import type { Tool } from '../tools/Tool.ts';
import { type GraphDocument, type GraphNode, isToolEdge } from './GraphDocument.ts';
import { GraphValidationError } from './GraphValidationError.ts';
import {
  isToolHost,
  type NodeRegistry,
  type NodeType,
  type SessionServices,
} from './NodeRegistry.ts';
import { RecentFrameIds } from './RecentFrameIds.ts';
import { TRANSPORT_INPUT, TRANSPORT_OUTPUT, validateGraph } from './validateGraph.ts';

export interface GraphRunnerOptions {
  registry: NodeRegistry;
  clock?: Clock;
  logger?: Logger;
  /** Where credentials are read from; the server passes process.env. */
  env?: Record<string, string | undefined>;
  sessionId?: string;
  audioInSampleRate?: number;
  audioOutSampleRate?: number;
}

/** One observed frame hop, for latency observers and live metrics. */
export interface Hop {
  from: string;
  /** Node id, or null when the frame leaves the graph. */
  to: string | null;
  frame: Frame;
  direction: Direction;
  at: number;
}

export type FrameListener = (frame: Frame) => void;

interface Wiring {
  down: FrameProcessor[];
  up: FrameProcessor[];
  /** Only nodes where paths join need to drop a frame seen twice. */
  dedupeDown?: RecentFrameIds;
  dedupeUp?: RecentFrameIds;
}

export interface NodeInstance {
  node: GraphNode;
  def: NodeType;
  processor?: FrameProcessor;
  tool?: Tool;
}

/**
 * Runs one graph for one session: instantiates processors from the registry,
 * routes frames along edges in both directions, starts and stops them, and
 * applies new versions of the graph live (see `HotReloader`).
 */
export class GraphRunner {
  readonly session: SessionServices;
  readonly registry: NodeRegistry;
  readonly env: Record<string, string | undefined>;
  private doc: GraphDocument;
  private instances = new Map<string, NodeInstance>();
  private wiring = new Map<FrameProcessor, Wiring>();
  private readonly outputListeners: FrameListener[] = [];
  private readonly upstreamListeners: FrameListener[] = [];
  private readonly hopObservers: Array<(hop: Hop) => void> = [];
  private inputNode!: TransportInput;
  private outputNode!: FrameProcessor;
  private endWaiters: Array<() => void> = [];
  private started = false;
  private finished = false;
  private botSpeaking = false;
  private quietWaiters: Array<() => void> = [];
  private readonly rates: { in: number; out: number };

  /** Validates `doc` and builds its processors. Throws GraphValidationError or a NodeEnvironmentError (missing credential, refused endpoint). */
  constructor(doc: unknown, options: GraphRunnerOptions) {
    this.registry = options.registry;
    this.env = options.env ?? {};
    const clock = options.clock ?? realClock;
    const logger = options.logger ?? silentLogger;
    const sessionId = options.sessionId ?? 'local';
    this.session = {
      sessionId,
      clock,
      logger: logger.child({ session: sessionId }),
      conversation: new ConversationContext(),
    };
    this.rates = {
      in: options.audioInSampleRate ?? 16000,
      out: options.audioOutSampleRate ?? 24000,
    };
    this.doc = GraphRunner.validate(doc, this.registry);
    for (const node of this.doc.nodes) this.instances.set(node.id, this.instantiate(node));
    this.rewire();
  }

  static validate(doc: unknown, registry: NodeRegistry): GraphDocument {
    const result = validateGraph(doc, registry);
    if (!result.ok) throw new GraphValidationError(result.errors);
    return result.graph;
  }

  get graph(): GraphDocument {
    return this.doc;
  }

  get isBotSpeaking(): boolean {
    return this.botSpeaking;
  }

  get input(): TransportInput {
    return this.inputNode;
  }

  /** Processors by node id, for stats and tests. */
  processor(nodeId: string): FrameProcessor | undefined {
    return this.instances.get(nodeId)?.processor;
  }

  nodes(): ReadonlyMap<string, NodeInstance> {
    return this.instances;
  }

  /** Frames that leave the graph downstream of transport.output: what the transport sends to the client. */
  onOutput(listener: FrameListener): void {
    this.outputListeners.push(listener);
  }

  /** Frames that leave the graph upstream of transport.input (errors, mostly). */
  onUpstream(listener: FrameListener): void {
    this.upstreamListeners.push(listener);
  }

  /** Sees every hop. Costs a call per hop while any observer is registered. */
  observeHops(observer: (hop: Hop) => void): () => void {
    this.hopObservers.push(observer);
    return () => {
      const i = this.hopObservers.indexOf(observer);
      if (i >= 0) this.hopObservers.splice(i, 1);
    };
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('graph already started');
    this.started = true;
    this.inputNode.feed(
      this.createFrame('start', {
        audioInSampleRate: this.rates.in,
        audioOutSampleRate: this.rates.out,
      }),
    );
    await this.idle();
  }

  /** Feed a frame from the transport. */
  push(frame: Frame): void {
    this.inputNode.feed(frame);
  }

  /** A frame stamped with this session's clock. */
  createFrame<T extends FrameType>(type: T, payload: FramePayloads[T]): FrameOf<T> {
    return createFrame(type, payload, this.session.clock.now());
  }

  /** Resolves when every processor has nothing queued or in flight. */
  async idle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const busy = this.allProcessors().filter((p) => p.stats.queueDepth > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((p) => p.idle()));
    }
  }

  /** Graceful stop: `end` drains every processor in order; resolves when it left the graph. */
  async stop(): Promise<void> {
    if (this.finished) return;
    const done = new Promise<void>((resolve) => this.endWaiters.push(resolve));
    this.inputNode.feed(this.createFrame('end', {}));
    await done;
  }

  /** Immediate stop: every processor drops what it has and releases its resources. */
  cancel(reason = 'cancelled'): void {
    if (this.finished) return;
    this.inputNode.feed(this.createFrame('cancel', { reason }));
    // A processor cut off from the flow by a failure still has to release its resources.
    for (const p of this.allProcessors())
      if (!p.isStopped) p.receive(this.createFrame('cancel', { reason }), 'downstream');
    this.finish();
  }

  allProcessors(): FrameProcessor[] {
    return [...this.instances.values()].flatMap((i) => (i.processor ? [i.processor] : []));
  }

  /** Resolves when the bot is not speaking (a quiet point for replacing processors), or after `timeoutMs`. */
  whenQuiet(timeoutMs: number): Promise<void> {
    if (!this.botSpeaking) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.session.clock.setTimeout(resolve, timeoutMs);
      this.quietWaiters.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  /** Used by the hot reloader: swap in a new document and instance table, then rewire. */
  replaceTopology(doc: GraphDocument, instances: Map<string, NodeInstance>): void {
    this.doc = doc;
    this.instances = instances;
    this.rewire();
  }

  /**
   * Builds a node's processor or tool. Its credentials come from `env`, and
   * where they may be sent is checked first (graph start, hot reload and a
   * session moving graphs all build here): a refused node is never created.
   */
  instantiate(node: GraphNode): NodeInstance {
    const def = this.registry.get(node.type)!;
    const ctx = {
      nodeId: node.id,
      ...this.registry.resolveEnvironment(node, this.env),
      session: this.session,
    };
    if (def.kind === 'tool') return { node, def, tool: def.create(node.config, ctx) };
    const processor = def.create(node.config, ctx);
    return { node, def, processor };
  }

  /** Attaches a processor with a sink that discards, to start or stop it outside the flow. */
  isolate(processor: FrameProcessor): void {
    processor.attach({ clock: this.session.clock, logger: this.session.logger, sink: () => {} });
  }

  startFrame(): Frame {
    return this.createFrame('start', {
      audioInSampleRate: this.rates.in,
      audioOutSampleRate: this.rates.out,
    });
  }

  private rewire(): void {
    const wiring = new Map<FrameProcessor, Wiring>();
    for (const inst of this.instances.values())
      if (inst.processor) wiring.set(inst.processor, { down: [], up: [] });
    const toolsByHost = new Map<string, Tool[]>();
    for (const edge of this.doc.edges) {
      const source = this.instances.get(edge.source)!;
      const target = this.instances.get(edge.target)!;
      if (isToolEdge(edge)) {
        if (source.tool)
          toolsByHost.set(edge.target, [...(toolsByHost.get(edge.target) ?? []), source.tool]);
        continue;
      }
      wiring.get(source.processor!)!.down.push(target.processor!);
      wiring.get(target.processor!)!.up.push(source.processor!);
    }
    for (const w of wiring.values()) {
      if (w.up.length > 1) w.dedupeDown = new RecentFrameIds();
      if (w.down.length > 1) w.dedupeUp = new RecentFrameIds();
    }
    this.wiring = wiring;
    for (const inst of this.instances.values()) {
      const processor = inst.processor;
      if (!processor) continue;
      processor.attach({
        clock: this.session.clock,
        logger: this.session.logger.child({ node: inst.node.id }),
        sink: this.route,
      });
      if (inst.def.kind === 'processor' && inst.def.acceptsTools && isToolHost(processor))
        processor.setTools(toolsByHost.get(inst.node.id) ?? []);
      if (inst.node.type === TRANSPORT_INPUT) this.inputNode = processor as TransportInput;
      if (inst.node.type === TRANSPORT_OUTPUT) this.outputNode = processor;
    }
  }

  private readonly route = (frame: Frame, direction: Direction, from: FrameProcessor): void => {
    const wiring = this.wiring.get(from);
    if (!wiring) return; // a replaced processor finishing late: its output has nowhere to go
    const targets = direction === 'downstream' ? wiring.down : wiring.up;
    if (targets.length === 0) {
      this.leave(frame, direction, from);
      return;
    }
    const observe = this.hopObservers.length > 0;
    for (const target of targets) {
      const tw = this.wiring.get(target)!;
      const dedupe = direction === 'downstream' ? tw.dedupeDown : tw.dedupeUp;
      if (dedupe && !dedupe.firstSighting(frame.id)) continue;
      if (observe)
        this.notifyHop({
          from: from.id,
          to: target.id,
          frame,
          direction,
          at: this.session.clock.now(),
        });
      target.receive(frame, direction);
    }
  };

  private leave(frame: Frame, direction: Direction, from: FrameProcessor): void {
    if (this.hopObservers.length > 0)
      this.notifyHop({ from: from.id, to: null, frame, direction, at: this.session.clock.now() });
    if (direction === 'downstream' && from === this.outputNode) {
      this.trackSpeaking(frame);
      for (const listener of this.outputListeners) listener(frame);
      if (frame.type === 'end' || frame.type === 'cancel') this.finish();
    } else if (direction === 'upstream' && from === this.inputNode) {
      for (const listener of this.upstreamListeners) listener(frame);
    }
  }

  private trackSpeaking(frame: Frame): void {
    if (frame.type === 'bot.speaking.started') this.botSpeaking = true;
    if (frame.type === 'bot.speaking.stopped') {
      this.botSpeaking = false;
      const waiters = this.quietWaiters;
      this.quietWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private notifyHop(hop: Hop): void {
    for (const observer of this.hopObservers) {
      try {
        observer(hop);
      } catch (error) {
        this.session.logger.warn({ err: String(error) }, 'hop observer failed');
      }
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const waiters = this.endWaiters;
    this.endWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
