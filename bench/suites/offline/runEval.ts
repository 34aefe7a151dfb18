/**
 * The offline agent's accuracy in a real room: every corpus utterance,
 * spoken by its voice, in the conditions its plan gives it, through each
 * front-end variant's graph; each transcript judged by the responder's own
 * `understand()`. Audio is generated (and cached) first, then the runs go
 * `concurrency` at a time — each run is a session of its own, with its own
 * decoder process, as concurrent callers would be.
 */
import { createDefaultRegistry, understand } from '#engine';
import { AudioCache } from './audioCache.ts';
import type { Condition } from './conditions.ts';
import { EvalAudio } from './evalAudio.ts';
import { corpusItems, type EvalItem } from './evalItems.ts';
import { type ChainNode, chainToGraph, frontEndChain } from './frontEnd.ts';
import { judge, type UnderstandFn } from './judge.ts';
import { conditionGroup, conditionsFor, type PlanScope, splitsFor } from './plan.ts';
import { runUtterance } from './runUtterance.ts';
import type { Outcome } from './summarise.ts';
import type { Variant } from './variants.ts';
import { closeVoices } from './voices.ts';

export interface EvalOptions {
  variants: readonly Variant[];
  /** Every noise type at every SNR (OFFLINE_EVAL_FULL=1) instead of the rotating plan. */
  full?: boolean;
  concurrency?: number;
  items?: readonly EvalItem[];
  cache?: AudioCache;
  understand?: UnderstandFn;
  log?: (line: string) => void;
  /** Each outcome as it comes, e.g. to keep a partial run's results. */
  onOutcome?: (outcome: Outcome) => void;
}

export interface VariantRun {
  name: string;
  /** Its front end, input to STT, with each node's config; absent when skipped. */
  chain?: ChainNode[];
  skipped?: string;
  scope?: PlanScope;
  /** An earlier variant with the identical graph and scope, whose runs this one reports. */
  sameAs?: string;
}

export interface EvalRun {
  outcomes: Outcome[];
  variants: VariantRun[];
  items: readonly EvalItem[];
  seconds: number;
}

export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const items = options.items ?? corpusItems();
  const registry = createDefaultRegistry();
  const defaultChain = frontEndChain();
  const audio = new EvalAudio(options.cache ?? new AudioCache(), corpusItems());
  const judgeWith = options.understand ?? understand;

  const variants: VariantRun[] = [];
  const tasks: Array<() => Promise<Outcome>> = [];
  const signatures = new Map<string, string>();
  for (const variant of options.variants) {
    const patched = variant.patch(defaultChain, registry);
    if (!Array.isArray(patched)) {
      log(`  eval: skipping variant ${variant.name}: ${patched.skip}`);
      variants.push({ name: variant.name, skipped: patched.skip });
      continue;
    }
    const scope: PlanScope = options.full ? 'full' : variant.scope;
    const splits = splitsFor(scope);
    // The same graph in the same scope would only measure the decoder's run-to-run jitter twice.
    const signature = JSON.stringify({ patched, scope });
    const twin = signatures.get(signature);
    if (twin) {
      log(`  eval: variant ${variant.name} is the same graph as ${twin}; reusing its runs`);
      variants.push({ name: variant.name, chain: patched, scope, sameAs: twin });
      continue;
    }
    signatures.set(signature, variant.name);
    variants.push({ name: variant.name, chain: patched, scope });
    items.forEach((item, index) => {
      if (!splits.includes(item.split)) return;
      for (const condition of conditionsFor(index, scope))
        tasks.push(() => runOne(variant.name, patched, item, condition));
    });
  }

  const runOne = async (
    variant: string,
    chain: ChainNode[],
    item: EvalItem,
    condition: Condition,
  ): Promise<Outcome> => {
    const samples = await audio.mic(item, condition);
    const heard = await runUtterance(chainToGraph(chain, `eval ${variant}`), samples, registry);
    const outcome: Outcome = {
      variant,
      itemId: item.id,
      split: item.split,
      condition: condition.id,
      group: conditionGroup(condition),
      intent: item.intent,
      reference: item.text,
      transcript: heard.transcript,
      verdict: judge(item, heard.transcript, judgeWith),
      errors: heard.errors,
    };
    options.onOutcome?.(outcome);
    return outcome;
  };

  log(`  eval: preparing audio for ${items.length} utterances …`);
  const tAudio = performance.now();
  // Audio first, one at a time: sox and the synthesisers would only compete with the decoders.
  for (const [index, item] of items.entries())
    for (const condition of conditionsFor(index, options.full ? 'full' : 'standard'))
      await audio.mic(item, condition);
  await closeVoices();
  log(
    `  eval: audio ready in ${((performance.now() - tAudio) / 1000).toFixed(1)} s; ${tasks.length} runs`,
  );

  const outcomes = await runPool(tasks, options.concurrency ?? 2, (done) => {
    if (done % 100 === 0 || done === tasks.length) {
      const elapsed = (performance.now() - t0) / 1000;
      log(`  eval: ${done}/${tasks.length} runs, ${elapsed.toFixed(0)} s`);
    }
  });
  for (const { name, sameAs } of variants) {
    if (!sameAs) continue;
    for (const o of outcomes.filter((o) => o.variant === sameAs))
      outcomes.push({ ...o, variant: name });
  }
  return { outcomes, variants, items, seconds: (performance.now() - t0) / 1000 };
}

async function runPool<T>(
  tasks: ReadonlyArray<() => Promise<T>>,
  concurrency: number,
  progress: (done: number) => void,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
      progress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}
