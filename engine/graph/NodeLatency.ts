/**
 * A node type's share of a turn's voice-to-voice latency, declared as data.
 *
 * It is data rather than a function of the config because it has to travel:
 * `/api/node-types` serves it to the editor, which re-evaluates it on every
 * keystroke in a config form (no round trip to the server). `resolveLatency`
 * is the function of the config; the declaration says which config key sets
 * the figure and what the typical figure is when none does. Browser-safe.
 */

/**
 * Where in a turn the time goes, in the order a cascade spends it. The stages
 * match the segments of the measured waterfall (engine/metrics/TurnRecord.ts),
 * so an estimate can be set beside what a conversation measured.
 */
export type LatencyStage = 'vad' | 'stt' | 'turn' | 'llm' | 'sentence' | 'tts' | 'output';

export const LATENCY_STAGES: readonly LatencyStage[] = [
  'vad',
  'stt',
  'turn',
  'llm',
  'sentence',
  'tts',
  'output',
];

/**
 * Milliseconds read from a config number (durations in config are in ms),
 * rounded up to whole `stepMs` when set.
 */
export interface ConfigFigure<K extends string = string> {
  key: K;
  /** Work happens in steps (e.g. 32 ms VAD windows): a wait is a whole number of them. */
  stepMs?: number;
}

/** One hop a node adds between the end of the user's speech and the bot's first audio. `K`: the config's keys. */
export interface LatencyTerm<K extends string = string> {
  stage: LatencyStage;
  label: string;
  /** The figure follows this config key when it holds a number (basis `config`). */
  fromConfig?: ConfigFigure<K>;
  /** The figure otherwise (basis `typical`): a bench measurement or the provider's published figure. */
  typicalMs: number;
  /** Where the figure comes from, shown to the user. Name the measurement or the publication. */
  source: string;
  /** The term applies only while the config holds these values (e.g. `endOfTurn: 'smart'`). */
  when?: Readonly<Partial<Record<K, string | number | boolean>>>;
  /** A wait some turns pay on top (e.g. an unfinished sentence held open), read from config. */
  upToFromConfig?: ConfigFigure<K>;
}

/**
 * A node type's declaration. An empty list says "adds nothing measurable" (a
 * pass-through); a node type without a declaration is unknown to the estimate.
 */
export type LatencyDeclaration<K extends string = string> = readonly LatencyTerm<K>[];

export type LatencyBasis = 'config' | 'typical';

export interface ResolvedLatency {
  stage: LatencyStage;
  label: string;
  ms: number;
  basis: LatencyBasis;
  source: string;
  /** Extra wait on some turns, not in `ms`. */
  upToMs?: number;
}

function figure(spec: ConfigFigure, config: Readonly<Record<string, unknown>>): number | undefined {
  const value = config[spec.key];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return spec.stepMs ? Math.ceil(value / spec.stepMs) * spec.stepMs : value;
}

function applies(term: LatencyTerm, config: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(term.when ?? {}).every(([key, value]) => config[key] === value);
}

/** The hops a node adds with this config (defaults already filled in). */
export function resolveLatency(
  terms: LatencyDeclaration,
  config: Readonly<Record<string, unknown>>,
): ResolvedLatency[] {
  const out: ResolvedLatency[] = [];
  for (const term of terms) {
    if (!applies(term, config)) continue;
    const fromConfig = term.fromConfig ? figure(term.fromConfig, config) : undefined;
    const upToMs = term.upToFromConfig ? figure(term.upToFromConfig, config) : undefined;
    out.push({
      stage: term.stage,
      label: term.label,
      ms: fromConfig ?? term.typicalMs,
      // A config value that is not a number yet (mid-edit) falls back to the typical figure, and says so.
      basis: fromConfig !== undefined ? 'config' : 'typical',
      source: term.source,
      ...(upToMs !== undefined && upToMs > 0 ? { upToMs } : {}),
    });
  }
  return out;
}
