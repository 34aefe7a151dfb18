import type { ScenarioResult, SuiteReport } from './runScenarioSuite.ts';

/**
 * The terminal report: a line per scenario with its pass rate over the runs,
 * then, under a scenario that failed, each distinct failure (with how many
 * runs it happened in), the notes that explain it and the graph's errors.
 */
export function renderSuiteText(report: SuiteReport): string {
  const width = Math.max(8, ...report.scenarios.map((s) => s.name.length));
  const lines: string[] = [];
  for (const result of report.scenarios) {
    lines.push(scenarioLine(result, width));
    for (const [text, count] of tally(detailsOf(result)))
      lines.push(`        ${text}${count > 1 ? `  (${count} runs)` : ''}`);
  }
  const runs = report.scenarios.flatMap((s) => s.runs);
  const passedRuns = runs.filter((r) => r.passed).length;
  const clean = report.scenarios.filter((s) => !s.error && s.passedRuns === s.runs.length).length;
  lines.push(
    `${clean} of ${report.scenarios.length} scenarios passed every run; ${passedRuns}/${runs.length} runs passed (${percent(passedRuns, runs.length)}) in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

function scenarioLine(result: ScenarioResult, width: number): string {
  const name = result.name.padEnd(width);
  if (result.error) return `  ERROR ${name}  could not run: ${result.error}`;
  const verdict = result.passedRuns === result.runs.length ? 'PASS ' : 'FAIL ';
  const rate = `${result.passedRuns}/${result.runs.length} (${percent(result.passedRuns, result.runs.length)})`;
  return `  ${verdict} ${name}  ${rate}  ${result.graph}, ${result.mode === 'fast' ? 'virtual clock' : 'real time'}`;
}

/** What to show under a scenario: failures first, then notes and graph errors of the failed runs. */
function detailsOf(result: ScenarioResult): string[] {
  const failed = result.runs.filter((r) => !r.passed);
  return [
    ...failed.flatMap((r) => r.failures),
    ...failed.flatMap((r) =>
      r.turns.flatMap((t) => t.notes.map((n) => `note, turn ${t.turn}: ${n}`)),
    ),
    ...failed.flatMap((r) => r.errors.map((e) => `graph error: ${e}`)),
  ];
}

function tally(items: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`;
}
