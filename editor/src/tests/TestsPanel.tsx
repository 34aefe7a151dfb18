/**
 * The Tests panel: runs the server's scenario suites against the graph being
 * edited — the draft as it is now, not the deployed revision — and shows,
 * per scenario, pass or fail, each failed expectation (naming the turn), and
 * the comparison with its baseline. Scenario files can be edited here.
 */
import { useEffect } from 'react';
import type { RunJob, ScenarioRunResult, ScenarioSummary } from '#server/wire';
import { ScenarioEditor } from './ScenarioEditor.tsx';
import { ScenarioResultView } from './ScenarioResultView.tsx';
import { testsStore, useTests } from './testsStore.ts';
import { ensureTestsStyles } from './testsStyles.ts';

ensureTestsStyles();

export function TestsPanel() {
  const suites = useTests((s) => s.suites);
  const suite = useTests((s) => s.suite);
  const job = useTests((s) => s.job);
  const problems = useTests((s) => s.problems);
  const compare = useTests((s) => s.compare);
  const editing = useTests((s) => s.editing);

  useEffect(() => {
    void testsStore.getState().loadSuites();
  }, []);

  const current = suites.find((s) => s.name === suite);
  const active = job?.state === 'queued' || job?.state === 'running';
  const results = job && job.suite === suite ? job : null;
  return (
    <div className="tests-panel" data-testid="tests-panel">
      <div className="tests-head">
        <label>
          Suite{' '}
          <select
            value={suite ?? ''}
            onChange={(e) => testsStore.getState().selectSuite(e.target.value)}
            data-testid="tests-suite"
          >
            {suites.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.scenarios.length})
              </option>
            ))}
          </select>
        </label>
        {active ? (
          <button
            type="button"
            className="danger"
            onClick={() => void testsStore.getState().cancel()}
            data-testid="tests-cancel"
          >
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={!current?.scenarios.length}
            onClick={() => void testsStore.getState().run()}
            data-testid="tests-run"
          >
            Run against draft
          </button>
        )}
        <label
          className="muted"
          title="Also runs each scenario against the deployed revision (or uses the recording saved with it) to show old beside new"
        >
          <input
            type="checkbox"
            checked={compare}
            onChange={(e) => testsStore.getState().setCompare(e.target.checked)}
            data-testid="tests-compare"
          />{' '}
          compare with deployed / recording
        </label>
        <button
          type="button"
          onClick={() => void testsStore.getState().loadSuites()}
          data-testid="tests-reload"
        >
          Reload
        </button>
        {job && <Progress job={job} />}
      </div>
      {problems.length > 0 && (
        <ul className="failures" data-testid="tests-problems">
          {problems.map((p) => (
            <li key={p} className="field-error">
              {p}
            </li>
          ))}
        </ul>
      )}
      {current?.problems.map((p) => (
        <p key={p} className="field-error">
          {p}
        </p>
      ))}
      {editing ? (
        <ScenarioEditor />
      ) : (
        <ul className="scenario-list">
          {current?.scenarios.map((scenario) => (
            <ScenarioRow
              key={scenario.name}
              scenario={scenario}
              result={results?.results.find((r) => r.name === scenario.name)}
              pending={Boolean(
                results && isActive(results) && results.scenarios.includes(scenario.name),
              )}
              running={results?.current === scenario.name && isActive(results)}
            />
          ))}
          {current && current.scenarios.length === 0 && (
            <li className="muted">
              No scenarios yet: Talk to the agent, hang up, and “Save as scenario”.
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

function isActive(job: RunJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

function Progress({ job }: { job: RunJob }) {
  const passed = job.results.filter((r) => r.status === 'passed').length;
  const failed = job.results.length - passed;
  const text =
    job.state === 'queued'
      ? `Waiting for the server (${job.queuePosition ?? 0} ahead)…`
      : job.state === 'running'
        ? `Running ${Math.min(job.results.length + 1, job.scenarios.length)}/${job.scenarios.length}${job.current ? `: ${job.current}` : ''}…`
        : job.state === 'cancelled'
          ? `Cancelled after ${job.results.length}/${job.scenarios.length}`
          : job.state === 'failed'
            ? `Failed: ${job.error ?? ''}`
            : `${passed} passed, ${failed} failed`;
  return (
    <span
      className={`tests-progress ${job.state}`}
      data-testid="tests-progress"
      data-state={job.state}
    >
      {text}
    </span>
  );
}

function ScenarioRow({
  scenario,
  result,
  pending,
  running,
}: {
  scenario: ScenarioSummary;
  result?: ScenarioRunResult;
  pending: boolean;
  running: boolean;
}) {
  const skipped = useTests((s) => Boolean(s.skipped[scenario.name]));
  const open = useTests((s) => s.open === scenario.name);
  const status = result?.status ?? (running ? 'running' : pending ? 'pending' : null);
  return (
    <li className="scenario-row" data-testid={`scenario-${scenario.name}`}>
      <div className="scenario-line">
        <input
          type="checkbox"
          checked={!skipped}
          onChange={() => testsStore.getState().toggle(scenario.name)}
          aria-label={`Run ${scenario.name}`}
          data-testid={`scenario-check-${scenario.name}`}
        />
        <span className="scenario-name">{scenario.name}</span>
        <span className="muted">
          {scenario.turns} turn{scenario.turns === 1 ? '' : 's'}
          {scenario.hasRecording ? ' · recorded' : ''}
        </span>
        {status && (
          <span className={`tag status-${status}`} data-testid={`status-${scenario.name}`}>
            {STATUS_LABEL[status]}
          </span>
        )}
        {result?.status === 'failed' && (
          <span
            className="field-error first-failure"
            data-testid={`first-failure-${scenario.name}`}
          >
            {result.failures[0]}
          </span>
        )}
        <span className="spacer" />
        {result && (
          <button
            type="button"
            onClick={() => testsStore.getState().setOpen(open ? null : scenario.name)}
            data-testid={`scenario-open-${scenario.name}`}
          >
            {open ? 'Hide' : 'Details'}
          </button>
        )}
        <button
          type="button"
          onClick={() => void testsStore.getState().edit(scenario.name)}
          data-testid={`scenario-edit-${scenario.name}`}
        >
          Edit
        </button>
      </div>
      {open && result && <ScenarioResultView result={result} />}
    </li>
  );
}

const STATUS_LABEL = {
  passed: 'PASS',
  failed: 'FAIL',
  error: 'ERROR',
  running: 'running…',
  pending: 'pending',
} as const;
