/** One scenario's result in the Tests panel: its verdict, each failed expectation, per-turn checks, and the comparison. */

import type { ScenarioRunResult } from '#server/wire';
import { ComparisonTable } from './ComparisonTable.tsx';

const BASELINE_LABEL = { recording: 'saved recording', deployed: 'deployed revision' } as const;

export function ScenarioResultView({ result }: { result: ScenarioRunResult }) {
  return (
    <div className="scenario-result" data-testid={`result-detail-${result.name}`}>
      {result.error && (
        <p className="field-error" data-testid="result-error">
          Could not run: {result.error}
        </p>
      )}
      {result.failures.length > 0 && (
        <ul className="failures" data-testid="failures">
          {result.failures.map((failure) => (
            <li key={failure} className="field-error">
              {failure}
            </li>
          ))}
        </ul>
      )}
      {result.turns.map((turn) => (
        <div key={turn.turn} className="turn-checks" data-testid={`checks-turn-${turn.turn}`}>
          <span className="muted">
            turn {turn.turn} “{turn.text}”
          </span>
          {turn.checks.map((check) => (
            <span
              key={check.expectation}
              className={`tag ${check.passed ? 'success' : 'error'}`}
              title={check.detail}
            >
              {check.passed ? '✓' : '✗'} {check.expectation}
            </span>
          ))}
          {turn.notes.map((note) => (
            <span key={note} className="muted note">
              {note}
            </span>
          ))}
        </div>
      ))}
      {result.graphErrors.length > 0 && (
        <p className="muted">Graph errors: {result.graphErrors.join('; ')}</p>
      )}
      {result.comparison && result.baseline ? (
        <ComparisonTable
          comparison={result.comparison}
          oldLabel={BASELINE_LABEL[result.baseline]}
        />
      ) : (
        result.baselineNote && <p className="muted">{result.baselineNote}</p>
      )}
    </div>
  );
}
