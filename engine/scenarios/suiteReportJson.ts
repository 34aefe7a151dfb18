import type { SuiteReport } from './runScenarioSuite.ts';

/** Identifies the JSON report's shape, so a reader can refuse one it does not know. */
export const EVAL_REPORT_FORMAT = 'parley-eval';
export const EVAL_REPORT_VERSION = 1;

/**
 * The report as JSON text: everything the run found (per scenario, per run,
 * per turn: what was heard, said and called, each expectation with what
 * happened), for CI dashboards and for comparing two evaluations.
 */
export function suiteReportJson(report: SuiteReport): string {
  return `${JSON.stringify({ format: EVAL_REPORT_FORMAT, version: EVAL_REPORT_VERSION, ...report }, null, 2)}\n`;
}
