/**
 * The eval part of `npm run bench:offline`: runs the matrix, prints the table
 * and returns the headline figures (flat, for results/offline.json and the
 * README row) and the detail (nested, stored beside them).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closeSharedServices } from '#engine';
import { DEFAULT_CACHE_DIR } from './audioCache.ts';
import { CONDITIONS } from './conditions.ts';
import { describeVoices } from './evalItems.ts';
import { formatTable } from './printTable.ts';
import { runEval } from './runEval.ts';
import { headlineFigures, round3, type Table, tabulate } from './summarise.ts';
import { selectVariants } from './variants.ts';

export interface EvalFigures {
  figures: Record<string, number>;
  detail: Record<string, unknown>;
}

/** Outcomes as they come, one JSON line each: a run cut short still has its results. */
const PROGRESS_FILE = path.join(DEFAULT_CACHE_DIR, 'last-run.jsonl');

export async function measureEval(log: (line: string) => void): Promise<EvalFigures> {
  mkdirSync(DEFAULT_CACHE_DIR, { recursive: true });
  writeFileSync(PROGRESS_FILE, '');
  const run = await runEval({
    onOutcome: (outcome) => appendFileSync(PROGRESS_FILE, `${JSON.stringify(outcome)}\n`),
    variants: selectVariants(process.env.OFFLINE_VARIANTS),
    full: process.env.OFFLINE_EVAL_FULL === '1',
    concurrency: Number(process.env.OFFLINE_EVAL_CONCURRENCY ?? 2),
    log,
  }).finally(() =>
    // The decoder pool and the VAD worker would keep the process alive after the bench.
    closeSharedServices(),
  );
  const table = tabulate(run.outcomes);
  for (const line of formatTable(table)) log(line);
  const figures = headlineFigures(table, 'default');
  if (Object.keys(figures).length === 0)
    log('  eval: the default variant did not run, so no headline figures (see evalDetail)');
  const failures = run.outcomes.filter((o) => o.errors.length > 0);
  if (failures.length > 0)
    log(`  eval: ${failures.length} runs reported errors, e.g. ${failures[0].errors[0]}`);
  const tuning = run.items.filter((i) => i.split === 'tuning');
  const heldOut = run.items.filter((i) => i.split === 'heldOut');
  return {
    figures: { ...figures, evalRuns: run.outcomes.length, evalSeconds: Math.round(run.seconds) },
    detail: {
      responder: 'engine/providers/rules/understand.ts (understand(transcript), no earlier turns)',
      corpus: {
        tuning: tuning.length,
        heldOut: heldOut.length,
        voicesTuning: describeVoices(tuning),
        voicesHeldOut: describeVoices(heldOut),
      },
      plan: process.env.OFFLINE_EVAL_FULL === '1' ? 'full' : 'rotating noise type (plan.ts)',
      conditions: CONDITIONS.map((c) => c.id),
      variants: run.variants,
      table: roundTable(table),
      runErrors: failures.length,
      // Tuning transcripts only: the held-out set's are not for reading while tuning.
      tuningTranscriptsDefaultClean: run.outcomes
        .filter((o) => o.variant === 'default' && o.condition === 'clean' && o.split === 'tuning')
        .map((o) => ({
          id: o.itemId,
          heard: o.transcript,
          understood: o.verdict.understood,
          correct: o.verdict.correct,
        })),
    },
  };
}

function roundTable(table: Table): Table {
  return JSON.parse(
    JSON.stringify(table, (_key, value) => (typeof value === 'number' ? round3(value) : value)),
  ) as Table;
}
