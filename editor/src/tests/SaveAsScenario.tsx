/**
 * "Save as scenario" under a finished Talk session: its recording becomes a
 * scenario (the user's turns as WAVs, expectations drawn from what happened)
 * in the suite and under the name typed here; the Tests panel then opens it
 * for its expectations to be edited, and can run it.
 */
import { useState } from 'react';
import { useTalk } from '../store/talkStore.ts';
import { uiStore } from '../store/uiStore.ts';
import { useTalkRecording } from './talkRecording.ts';
import { describeFailure, testsApi } from './testsApi.ts';
import { testsStore, useTests } from './testsStore.ts';
import { ensureTestsStyles } from './testsStyles.ts';

ensureTestsStyles();

const DEFAULT_SUITE = 'my-scenarios';

export function SaveAsScenario() {
  const talkState = useTalk((s) => s.state);
  const talkSession = useTalk((s) => s.sessionId);
  const sessionId = useTalkRecording((s) => s.sessionId);
  const state = useTalkRecording((s) => s.state);
  const recordingError = useTalkRecording((s) => s.error);
  const suites = useTests((s) => s.suites);
  const selectedSuite = useTests((s) => s.suite);
  const [open, setOpen] = useState(false);
  const [suite, setSuite] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  const ended = talkState === 'idle' || talkState === 'error';
  if (!ended || !sessionId || sessionId !== talkSession || state === 'off') return null;
  const chosenSuite = suite ?? selectedSuite ?? DEFAULT_SUITE;

  if (state === 'failed')
    return (
      <p className="muted" data-testid="save-scenario-unavailable">
        This session was not recorded, so it cannot be saved as a scenario: {recordingError}
      </p>
    );

  const save = async () => {
    setBusy(true);
    setProblems([]);
    try {
      const saved = await testsApi.saveTalk(chosenSuite, sessionId, name.trim());
      const tests = testsStore.getState();
      await tests.loadSuites();
      tests.selectSuite(saved.suite);
      await tests.edit(saved.name);
      uiStore.getState().set({ bottomOpen: true, bottomTab: 'tests' });
      uiStore
        .getState()
        .toast(
          'success',
          `Saved scenario ${saved.suite}/${saved.name}: edit its expectations in Tests.`,
        );
      setOpen(false);
    } catch (error) {
      setProblems(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <button
        type="button"
        disabled={state !== 'ready'}
        title={state === 'ready' ? '' : 'The recording is being finished…'}
        onClick={() => setOpen(true)}
        data-testid="save-as-scenario"
      >
        {state === 'ready' ? 'Save as scenario' : 'Save as scenario (finishing the recording…)'}
      </button>
    );
  return (
    <form
      className="save-scenario"
      data-testid="save-scenario-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="row">
        <label>
          Suite{' '}
          <input
            list="scenario-suites"
            value={chosenSuite}
            onChange={(e) => setSuite(e.target.value)}
            data-testid="save-scenario-suite"
          />
          <datalist id="scenario-suites">
            {suites.map((s) => (
              <option key={s.name} value={s.name} />
            ))}
          </datalist>
        </label>
        <label>
          Name{' '}
          <input
            value={name}
            placeholder="weather-question"
            onChange={(e) => setName(e.target.value)}
            data-testid="save-scenario-name"
          />
        </label>
        <button
          type="submit"
          className="primary"
          disabled={busy || !name.trim()}
          data-testid="save-scenario-submit"
        >
          Save
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {problems.map((p) => (
        <p key={p} className="field-error" data-testid="save-scenario-error">
          {p}
        </p>
      ))}
    </form>
  );
}
