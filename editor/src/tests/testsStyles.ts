/**
 * The Tests panel's and Save as scenario's styles, added to the page once.
 * (The editor's stylesheet is linked from index.html; these live with their
 * components instead of growing that file.)
 */
const CSS = `
/* The Tests panel (bottom dock) and Save as scenario (Talk panel). */
.tests-panel { display: flex; flex-direction: column; gap: 6px; }
.tests-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.tests-progress { color: var(--text-dim); }
.tests-progress.done { color: var(--text); }
.scenario-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.scenario-row { border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; background: var(--bg-2); }
.scenario-line { display: flex; align-items: center; gap: 8px; min-height: 26px; }
.scenario-line .spacer { flex: 1; }
.scenario-name { font-weight: 600; }
.first-failure { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 55%; }
.tag.status-passed { background: #12392b; color: var(--ok); }
.tag.status-failed, .tag.status-error { background: #4a1d24; color: var(--err); }
.tag.status-running, .tag.status-pending { color: var(--text-dim); }
.failures { margin: 4px 0; padding-left: 18px; }
.turn-checks { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
.turn-checks .note { font-style: italic; }
.comparison { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12px; }
.comparison th, .comparison td { text-align: left; vertical-align: top; padding: 2px 8px; border-bottom: 1px solid var(--line); }
.comparison td:nth-child(3), .comparison td:nth-child(4) { width: 42%; }
.comparison .mark { width: 14px; color: var(--warn); font-weight: 700; }
.comparison .label { color: var(--text-dim); white-space: nowrap; }
.comparison .label.hop { padding-left: 20px; }
.comparison tr.differs td { background: #3a2f1020; }
.comparison tr.differs td:nth-child(4) { color: var(--warn); }
.comparison .turn-title th { padding-top: 8px; color: var(--text); }
.scenario-editor { display: flex; flex-direction: column; gap: 6px; }
.scenario-editor textarea { width: 100%; min-height: 180px; font-family: var(--mono); font-size: 12px; background: var(--bg); color: var(--text); border: 1px solid var(--line-2); border-radius: 6px; padding: 6px; }
.scenario-editor .row, .save-scenario .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.save-scenario { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 6px 0; display: flex; flex-direction: column; gap: 6px; }
.save-scenario input { background: var(--bg); color: var(--text); border: 1px solid var(--line-2); border-radius: 6px; padding: 3px 6px; }
`;

const ID = 'parley-tests-styles';

export function ensureTestsStyles(): void {
  if (typeof document === 'undefined' || document.getElementById(ID)) return;
  const style = document.createElement('style');
  style.id = ID;
  style.textContent = CSS;
  document.head.append(style);
}
