import type { ScenarioResult, SuiteReport } from './runScenarioSuite.ts';

/**
 * The report as JUnit XML, the format CI systems (GitHub Actions reporters,
 * GitLab, Jenkins) show as test results: one testsuite per scenario, one
 * testcase per run. A failed run carries every failure of that run; a
 * scenario that could not run is one testcase with an <error>.
 */
export function suiteReportJunit(report: SuiteReport): string {
  const runs = report.scenarios.flatMap((s) => s.runs);
  const failures = runs.filter((r) => !r.passed).length;
  const errors = report.scenarios.filter((s) => s.error).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="parley eval" tests="${runs.length + errors}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs)}">`,
    ...report.scenarios.flatMap(testsuite),
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function testsuite(result: ScenarioResult): string[] {
  const failures = result.runs.filter((r) => !r.passed).length;
  const time = result.runs.reduce((sum, r) => sum + r.durationMs, 0);
  const open = `  <testsuite name="${attr(result.name)}" file="${attr(result.file)}" tests="${Math.max(1, result.runs.length)}" failures="${failures}" errors="${result.error ? 1 : 0}" time="${seconds(time)}">`;
  const classname = attr(`${result.graph}.${result.name}`);
  if (result.error)
    return [
      open,
      `    <testcase classname="${classname}" name="${attr(result.name)}" time="0">`,
      `      <error message="${attr(result.error)}" type="ScenarioError"/>`,
      '    </testcase>',
      '  </testsuite>',
    ];
  const cases = result.runs.flatMap((run, i) => {
    const head = `    <testcase classname="${classname}" name="${attr(`${result.name} run ${i + 1}`)}" time="${seconds(run.durationMs)}"`;
    if (run.passed) return [`${head}/>`];
    const notes = run.turns.flatMap((t) => t.notes.map((n) => `note, turn ${t.turn}: ${n}`));
    const body = [...run.failures, ...notes, ...run.errors.map((e) => `graph error: ${e}`)];
    return [
      `${head}>`,
      `      <failure message="${attr(run.failures[0] ?? 'failed')}" type="ExpectationFailed">${text(body.join('\n'))}</failure>`,
      '    </testcase>',
    ];
  });
  return [open, ...cases, '  </testsuite>'];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 cannot carry at all (most control characters) are dropped. */
function clean(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
