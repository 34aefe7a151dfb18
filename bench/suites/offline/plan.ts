/**
 * Which conditions each utterance is heard in. The full cross product
 * (every noise type at every SNR for every utterance, 14 conditions) costs
 * more than the bench's ~20 minutes on two shared cores, so by default each
 * utterance meets each SNR once, with the noise type rotating over the corpus
 * (utterance i at the j-th SNR gets noise type (i + j) mod 3): every SNR
 * figure is still an average over all three noise types and every utterance,
 * and per-type figures cover a third of the set each. OFFLINE_EVAL_FULL=1
 * runs the cross product.
 *
 * Scopes (variants.ts gives each variant one):
 * - `standard` (baseline and default): clean, the three SNRs, reverb, both
 *   gains and the telephone band, on both splits;
 * - `compare` (the one-stage variants): clean, 10 dB SNR and −20 dB gain — one
 *   condition where each of biasing, denoising and normalising should show, to
 *   keep the bench near its budget — on the tuning split only. Deciding whether
 *   a stage earns its place is tuning, and tuning never looks at held-out;
 *   baseline → default on held-out is the honest before/after.
 */
import { CONDITIONS, type Condition, NOISE_KINDS, SNRS_DB } from './conditions.ts';
import type { Split } from './evalItems.ts';

export type PlanScope = 'full' | 'standard' | 'compare';

export function conditionsFor(itemIndex: number, scope: PlanScope): Condition[] {
  if (scope === 'full') return [...CONDITIONS];
  const byId = (id: string) => CONDITIONS.find((c) => c.id === id)!;
  const noisy = SNRS_DB.map((snr, j) =>
    byId(`${NOISE_KINDS[(itemIndex + j) % NOISE_KINDS.length]}${snr}dB`),
  );
  const clean = byId('clean');
  if (scope === 'compare') return [clean, noisy[SNRS_DB.indexOf(10)], byId('gainMinus20dB')];
  return [
    clean,
    ...noisy,
    byId('reverb'),
    byId('gainMinus20dB'),
    byId('gainPlus10dB'),
    byId('telephone'),
  ];
}

/** Which splits a scope runs on. */
export function splitsFor(scope: PlanScope): readonly Split[] {
  return scope === 'compare' ? ['tuning'] : ['tuning', 'heldOut'];
}

/** The figure a condition contributes to: noise conditions pool by SNR across noise types. */
export function conditionGroup(condition: Condition): string {
  return condition.kind === 'noise' ? `${condition.snrDb}dB` : condition.id;
}
