/** Edit a scenario file (its expectations, timing, tools) as JSON; the server validates it on save and every problem is listed. */
import { testsStore, useTests } from './testsStore.ts';

export function ScenarioEditor() {
  const editing = useTests((s) => s.editing);
  if (!editing) return null;
  return (
    <div className="scenario-editor" data-testid="scenario-editor">
      <div className="scenario-editor-head">
        <strong>
          {editing.suite}/{editing.name}
        </strong>
        <span className="muted">
          {' '}
          — edit the expectations, then save (validated as a scenario file)
        </span>
      </div>
      <textarea
        value={editing.text}
        spellCheck={false}
        onChange={(e) => testsStore.getState().setEditText(e.target.value)}
        data-testid="scenario-text"
        aria-label="Scenario JSON"
      />
      {editing.problems.length > 0 && (
        <ul className="failures" data-testid="scenario-problems">
          {editing.problems.map((problem) => (
            <li key={problem} className="field-error">
              {problem}
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={editing.saving}
          onClick={() => void testsStore.getState().saveEdit()}
          data-testid="scenario-save"
        >
          Save scenario
        </button>
        <button
          type="button"
          onClick={() => testsStore.getState().closeEdit()}
          data-testid="scenario-close"
        >
          Close
        </button>
      </div>
    </div>
  );
}
