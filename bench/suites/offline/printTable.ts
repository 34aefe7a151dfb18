/** The eval's results as a console table: one block per variant, a row per condition. */
import { CONDITIONS, SNRS_DB } from './conditions.ts';
import type { Cell, Table } from './summarise.ts';

const ROW_ORDER = [
  'clean',
  ...SNRS_DB.flatMap((snr) => [
    `${snr}dB`,
    ...CONDITIONS.filter((c) => c.kind === 'noise' && c.snrDb === snr).map((c) => c.id),
  ]),
  ...CONDITIONS.filter((c) => c.kind !== 'clean' && c.kind !== 'noise').map((c) => c.id),
];

export function formatTable(table: Table): string[] {
  const lines: string[] = [];
  const header = `${'condition'.padEnd(16)}${cols('tuning')}${cols('held-out')}`;
  for (const [variant, rows] of Object.entries(table)) {
    lines.push(`  ${variant}`, `    ${header}`);
    for (const row of ROW_ORDER) {
      const cells = rows[row];
      if (!cells) continue;
      const label = /^\d+dB$/.test(row) ? `${row} (all)` : `  ${row}`;
      lines.push(`    ${label.padEnd(16)}${cell(cells.tuning)}${cell(cells.heldOut)}`);
    }
  }
  return lines;
}

function cols(split: string): string {
  return `| ${split.padEnd(8)} n  intent  in-scope  clarify  WER   `;
}

function cell(c: Cell | undefined): string {
  if (!c) return `| ${'-'.padEnd(46)}`;
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`.padStart(5);
  return `| ${String(c.n).padStart(11)} ${pct(c.intentAccuracy)}    ${pct(c.inScopeAccuracy)}   ${pct(c.clarifyRate)}   ${c.wer.toFixed(2).padStart(5)} `;
}
