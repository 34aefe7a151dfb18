/**
 * Every case of a surface's run — surface, index, kind, input, what the
 * server did, what was wrong — kept for the final verdict (which cases ran
 * while a healthy turn went missing), written as JSON lines to
 * $TMPDIR/parley-fuzz/<surface>-seed<seed>.jsonl, and summed up per kind at
 * the end of the run.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CaseRecord {
  index: number;
  kind: string;
  title: string;
  outcome: string;
  problems: string[];
  /** The longest stall of the server's event loop, busy with its own work, while the case ran (0: none over 100 ms). */
  stalledMs: number;
  /** The longest time the OS did not run the server while the case ran (a crowded machine, not the server's fault). */
  starvedMs: number;
  startedAt: number;
  endedAt: number;
}

export class CaseReport {
  readonly records: CaseRecord[] = [];
  readonly file: string;

  constructor(
    readonly surface: string,
    readonly seed: number,
  ) {
    const dir = path.join(tmpdir(), 'parley-fuzz');
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${surface}-seed${seed}.jsonl`);
    writeFileSync(this.file, '');
  }

  record(record: CaseRecord): void {
    this.records.push(record);
    const { startedAt, endedAt, ...rest } = record;
    appendFileSync(
      this.file,
      `${JSON.stringify({ surface: this.surface, seed: this.seed, ...rest, ms: Math.round(endedAt - startedAt) })}\n`,
    );
  }

  casesBetween(from: number, to: number): CaseRecord[] {
    return this.records.filter((r) => r.startedAt <= to && r.endedAt >= from);
  }

  printSummary(): void {
    const byKind = new Map<
      string,
      { cases: number; failed: number; outcomes: Map<string, number> }
    >();
    for (const r of this.records) {
      const entry = byKind.get(r.kind) ?? {
        cases: 0,
        failed: 0,
        outcomes: new Map<string, number>(),
      };
      entry.cases++;
      if (r.problems.length > 0) entry.failed++;
      const shape = outcomeShape(r.outcome);
      entry.outcomes.set(shape, (entry.outcomes.get(shape) ?? 0) + 1);
      byKind.set(r.kind, entry);
    }
    const failed = this.records.filter((r) => r.problems.length > 0).length;
    const lines = [
      `fuzz ${this.surface} (seed ${this.seed}): ${this.records.length} cases, ${failed} failed — details in ${this.file}`,
    ];
    for (const [kind, e] of byKind) {
      const outcomes = [...e.outcomes].map(([shape, n]) => `${n}× ${shape}`).join(', ');
      lines.push(
        `  ${e.failed > 0 ? '✗' : '✓'} ${kind}: ${e.cases} case(s)${e.failed > 0 ? `, ${e.failed} FAILED` : ''} — ${outcomes}`,
      );
    }
    console.log(lines.join('\n'));
  }
}

/** An outcome without its specifics (quoted texts, numbers), so similar outcomes count together. */
function outcomeShape(outcome: string): string {
  return outcome
    .replace(/'[^']*'/g, '…')
    .replace(/\(first: [^)]*\)/g, '')
    .replace(/\d+ error repl(y|ies)/, 'error replies')
    .replace(/\s+/g, ' ')
    .trim();
}
