/**
 * Front-end variants the eval compares, each a patch of the default graph's
 * front end, so the before/after of each new stage shows: `baseline` is VAD →
 * STT with none of them, each `+stage` adds one, `default` is the graph file
 * as it is today (what the headline figures report). A variant whose node
 * type or option does not exist (yet) is skipped with the reason printed.
 * Adding a variant is one line in `VARIANTS`.
 */
import type { NodeRegistry } from '#engine';
import { type ChainNode, sttNodeOf } from './frontEnd.ts';
import type { PlanScope } from './plan.ts';

/** Stages that issue 16 added to the front end; `baseline` has none of them. */
export const NEW_STAGES = ['audio.denoise', 'audio.normalize'] as const;
/** STT options that issue 16 added; `baseline` leaves them at their defaults. */
export const NEW_STT_OPTIONS = ['bias'] as const;

export type VariantPatch = (
  defaultChain: readonly ChainNode[],
  registry: NodeRegistry,
) => ChainNode[] | { skip: string };

export interface Variant {
  name: string;
  patch: VariantPatch;
  /** Which conditions and splits it runs (plan.ts); OFFLINE_EVAL_FULL=1 runs all of them for every variant. */
  scope: Exclude<PlanScope, 'full'>;
}

export const VARIANTS: readonly Variant[] = [
  { name: 'baseline', scope: 'standard', patch: (chain) => baseline(chain) },
  { name: '+denoise', scope: 'compare', patch: withStage('audio.denoise') },
  { name: '+normalize', scope: 'compare', patch: withStage('audio.normalize') },
  { name: '+bias', scope: 'compare', patch: withSttOption('bias', { phrases: 'responder' }) },
  { name: 'default', scope: 'standard', patch: (chain) => chain.map(copy) },
];

/** OFFLINE_VARIANTS=baseline,default picks some; unknown names are an error naming the known ones. */
export function selectVariants(spec: string | undefined): Variant[] {
  if (!spec) return [...VARIANTS];
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length > 0)
    throw new Error(
      `OFFLINE_VARIANTS: unknown variant(s) ${unknown.join(', ')}; known: ${VARIANTS.map((v) => v.name).join(', ')}`,
    );
  return VARIANTS.filter((v) => names.includes(v.name));
}

function copy(node: ChainNode): ChainNode {
  return { ...node, config: { ...node.config } };
}

function baseline(chain: readonly ChainNode[]): ChainNode[] {
  const out = chain.filter((n) => !(NEW_STAGES as readonly string[]).includes(n.type)).map(copy);
  const stt = sttNodeOf(out);
  for (const option of NEW_STT_OPTIONS) delete stt.config[option];
  return out;
}

/** Baseline plus one audio stage right after the input, configured as the default graph has it (or its defaults). */
export function withStage(type: string): VariantPatch {
  return (chain, registry) => {
    if (!registry.get(type)) return { skip: `node type '${type}' is not registered (yet)` };
    const out = baseline(chain);
    const configured = chain.find((n) => n.type === type);
    const stage: ChainNode = configured
      ? copy(configured)
      : { id: type.replace(/\W/g, '-'), type, config: {} };
    out.splice(1, 0, stage);
    return out;
  };
}

/**
 * Baseline with one STT option as the default graph sets it, or `fallback`
 * when the graph does not set it. The option must be in the STT node's schema:
 * zod drops unknown keys silently, which would make the variant a second
 * baseline.
 */
export function withSttOption(option: string, fallback: unknown): VariantPatch {
  return (chain, registry) => {
    const stt = sttNodeOf(chain);
    const schema = registry.get(stt.type)?.config;
    if (!schema || !(option in schema.shape))
      return { skip: `${stt.type} has no '${option}' option (yet)` };
    const out = baseline(chain);
    sttNodeOf(out).config[option] = structuredClone(stt.config[option] ?? fallback);
    return out;
  };
}
