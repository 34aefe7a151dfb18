/**
 * Turns per-utterance verdicts into figures: per variant × condition × split
 * (the detailed table), and the headline keys for the default graph that
 * bench/results/offline.json reports.
 */
import { corpusWordErrorRate } from '#engine';
import type { Split } from './evalItems.ts';
import type { Verdict } from './judge.ts';

export interface Outcome {
  variant: string;
  itemId: string;
  split: Split;
  /** Condition id (`white10dB`) and the group it pools into (`10dB`). */
  condition: string;
  group: string;
  /** The labelled intent. */
  intent: string;
  /** What was said (the label text) and what the recogniser heard. */
  reference: string;
  transcript: string;
  verdict: Verdict;
  errors: string[];
}

export interface Cell {
  n: number;
  intentAccuracy: number;
  /**
   * Intent accuracy over the requests the agent can serve (label ≠ fallback).
   * Garbled speech lands in `fallback`, which is right for out-of-scope
   * requests, so in noise `intentAccuracy` has a floor of their share (~20 %).
   */
  inScopeAccuracy: number;
  clarifyRate: number;
  wer: number;
}

export function cellOf(outcomes: readonly Outcome[]): Cell {
  const n = outcomes.length;
  return {
    n,
    intentAccuracy: accuracy(outcomes),
    inScopeAccuracy: accuracy(outcomes.filter((o) => o.intent !== 'fallback')),
    clarifyRate: n === 0 ? NaN : outcomes.filter((o) => o.verdict.clarified).length / n,
    wer:
      n === 0
        ? NaN
        : corpusWordErrorRate(
            outcomes.map((o) => ({ reference: o.reference, hypothesis: o.transcript })),
          ),
  };
}

function accuracy(outcomes: readonly Outcome[]): number {
  return outcomes.length === 0
    ? NaN
    : outcomes.filter((o) => o.verdict.correct).length / outcomes.length;
}

/** variant → row (a condition id or an SNR group) → split → cell. */
export type Table = Record<string, Record<string, Partial<Record<Split, Cell>>>>;

export function tabulate(outcomes: readonly Outcome[]): Table {
  const table: Table = {};
  const keys = new Set(outcomes.map((o) => `${o.variant}\t${o.split}`));
  for (const key of keys) {
    const [variant, split] = key.split('\t') as [string, Split];
    const mine = outcomes.filter((o) => o.variant === variant && o.split === split);
    const rows = new Set([...mine.map((o) => o.group), ...mine.map((o) => o.condition)]);
    for (const row of rows) {
      const inRow = mine.filter((o) => o.group === row || o.condition === row);
      table[variant] ??= {};
      table[variant][row] ??= {};
      table[variant][row][split] = cellOf(inRow);
    }
  }
  return table;
}

/** Rows reported as headline keys, and the suffix each gets. */
const HEADLINE_ROWS: ReadonlyArray<readonly [string, string]> = [
  ['clean', 'Clean'],
  ['20dB', '20dB'],
  ['10dB', '10dB'],
  ['5dB', '5dB'],
  ['reverb', 'Reverb'],
  ['gainMinus20dB', 'GainMinus20dB'],
  ['gainPlus10dB', 'GainPlus10dB'],
  ['telephone', 'Telephone'],
];

/**
 * `intentAccuracyClean`, `wer10dB`, `clarifyRate20dB` … on the tuning split;
 * `intentAccuracyHeldOut` (clean), `intentAccuracyHeldOut10dB` … on the held-out one.
 */
export function headlineFigures(table: Table, variant: string): Record<string, number> {
  const rows = table[variant];
  const figures: Record<string, number> = {};
  if (!rows) return figures;
  for (const [row, suffix] of HEADLINE_ROWS) {
    for (const split of ['tuning', 'heldOut'] as const) {
      const cell = rows[row]?.[split];
      if (!cell) continue;
      const tail = split === 'heldOut' ? `HeldOut${suffix === 'Clean' ? '' : suffix}` : suffix;
      figures[`intentAccuracy${tail}`] = round3(cell.intentAccuracy);
      figures[`wer${tail}`] = round3(cell.wer);
      // Clarifying is reported where it matters most; every row has it in the detail table.
      if (['Clean', '20dB', '10dB'].includes(suffix))
        figures[`clarifyRate${tail}`] = round3(cell.clarifyRate);
    }
  }
  return figures;
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
