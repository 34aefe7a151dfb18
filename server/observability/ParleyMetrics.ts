import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TurnRecord } from '#engine';

export interface ParleyMetricsOptions {
  /** The graph of every live session, read at scrape time (so the gauge is never out of step with the session list). */
  liveSessionGraphs(): Iterable<string>;
  /** This process in a cluster: the `worker` label of the load gauges. */
  workerId: string;
  /** Sessions this worker is meant to hold: the denominator of its load. */
  capacity: number;
}

/**
 * Voice-to-voice buckets (seconds): 100 ms steps from 200 ms to 1 s and 250 ms
 * steps to 1.5 s, where a cascade's latency lives and where a regression shows;
 * coarser above, where the question is only "how bad".
 */
export const VOICE_TO_VOICE_BUCKETS = [
  0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 2, 3, 5, 10,
];

/** Interruption buckets (seconds): a bot should fall silent within ~100–300 ms of a barge-in. */
export const INTERRUPTION_BUCKETS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 5];

/**
 * One server's Prometheus metrics, on a registry of its own: several servers
 * in one process (tests, a cluster run in one process) never see each other's
 * series. Labels are bounded: graph names (bounded by the store), node types
 * (bounded by the registry) and the worker id; never a session id.
 *
 * Everything here is fed per turn, per session or per error, never per audio
 * frame; the gauges are computed when scraped.
 */
export class ParleyMetrics {
  readonly registry = new Registry();
  private readonly turns: Counter<'graph'>;
  private readonly voiceToVoice: Histogram<'graph'>;
  private readonly interruption: Histogram<'graph'>;
  private readonly providerErrors: Counter<'node_type'>;

  constructor(options: ParleyMetricsOptions) {
    const registers = [this.registry];
    // Standard names (nodejs_eventloop_lag_seconds, process_cpu_seconds_total, …): stock Node.js dashboards work unchanged.
    collectDefaultMetrics({ register: this.registry });

    new Gauge({
      name: 'parley_active_sessions',
      help: 'Live sessions (conversations) on this worker, by the graph they run',
      labelNames: ['graph'],
      registers,
      collect() {
        this.reset();
        for (const [graph, count] of countByGraph(options.liveSessionGraphs()))
          this.set({ graph }, count);
      },
    });
    new Gauge({
      name: 'parley_worker_capacity',
      help: 'Sessions this worker is meant to hold',
      labelNames: ['worker'],
      registers,
      collect() {
        this.set({ worker: options.workerId }, options.capacity);
      },
    });
    new Gauge({
      name: 'parley_worker_load_ratio',
      help: 'Live sessions / capacity of this worker (1 = full)',
      labelNames: ['worker'],
      registers,
      collect() {
        let live = 0;
        for (const _ of options.liveSessionGraphs()) live++;
        this.set({ worker: options.workerId }, live / options.capacity);
      },
    });
    this.turns = new Counter({
      name: 'parley_turns_total',
      help: 'Conversational turns finished, by graph',
      labelNames: ['graph'],
      registers,
    });
    this.voiceToVoice = new Histogram({
      name: 'parley_voice_to_voice_seconds',
      help: 'First bot audio out minus end of user speech, per turn that got a spoken reply',
      labelNames: ['graph'],
      buckets: VOICE_TO_VOICE_BUCKETS,
      registers,
    });
    this.interruption = new Histogram({
      name: 'parley_interruption_seconds',
      help: 'Barge-ins: last bot audio out minus start of user speech (how fast the bot fell silent)',
      labelNames: ['graph'],
      buckets: INTERRUPTION_BUCKETS,
      registers,
    });
    this.providerErrors = new Counter({
      name: 'parley_provider_errors_total',
      help: 'Errors raised by graph nodes (failed STT/LLM/TTS requests, dropped provider sockets, …), by node type',
      labelNames: ['node_type'],
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, for a scrape. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  recordTurn(record: TurnRecord, graph: string): void {
    this.turns.inc({ graph });
    if (record.voiceToVoiceMs !== undefined && record.voiceToVoiceMs >= 0)
      this.voiceToVoice.observe({ graph }, record.voiceToVoiceMs / 1000);
    if (record.interruptionMs !== undefined && record.interruptionMs >= 0)
      this.interruption.observe({ graph }, record.interruptionMs / 1000);
  }

  recordProviderError(nodeType: string): void {
    this.providerErrors.inc({ node_type: nodeType });
  }
}

function countByGraph(graphs: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const graph of graphs) counts.set(graph, (counts.get(graph) ?? 0) + 1);
  return counts;
}
