/** Top bar: graph picker, history, layout, import/export, and the three verbs: Save, Deploy, Talk. */
import { type ChangeEvent, useRef } from 'react';
import {
  deleteCurrentGraph,
  exportGraph,
  importGraph,
  newGraph,
  openGraph,
  saveGraph,
} from '../actions/graphActions.ts';
import { editorStore, useEditor } from '../store/editorStore.ts';
import { useTalk } from '../store/talkStore.ts';
import { uiStore, useUi } from '../store/uiStore.ts';

export interface ToolbarProps {
  onLayout(): void;
  onTalk(): void;
}

export function Toolbar({ onLayout, onTalk }: ToolbarProps) {
  const target = useEditor((s) => s.target);
  const dirty = useEditor((s) => s.dirty);
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const errorCount = useEditor((s) => s.errors.length);
  const graphs = useUi((s) => s.graphs);
  const busy = useUi((s) => s.busy);
  const talkState = useTalk((s) => s.state);
  const file = useRef<HTMLInputElement>(null);

  const onPick = (e: ChangeEvent<HTMLSelectElement>) => {
    const name = e.target.value;
    if (name === '__new__') {
      const entered = window.prompt('Name of the new graph (letters, digits, - or _):', 'my-agent');
      if (entered) newGraph(entered.trim());
      return;
    }
    if (name !== target.name) void openGraph(name);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0];
    e.target.value = '';
    if (picked) importGraph(await picked.text());
  };

  const names = graphs.map((g) => g.name);
  const talking = talkState === 'connecting' || talkState === 'connected';
  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">
        <span className="brand-mark">◉</span> Parley
      </div>
      <div className="graph-picker">
        <select value={target.name} onChange={onPick} data-testid="graph-picker" aria-label="Graph">
          {!names.includes(target.name) && <option value={target.name}>{target.name} (new)</option>}
          {graphs.map((g) => (
            <option key={g.name} value={g.name} title={g.description}>
              {g.name}
              {g.error ? ' ⚠' : ''}
            </option>
          ))}
          <option value="__new__">＋ New graph…</option>
        </select>
        <span
          className={`dirty-indicator${dirty ? ' dirty' : ''}`}
          data-testid="dirty-indicator"
          title={dirty ? 'Unsaved changes' : 'Saved'}
        >
          {dirty ? '● unsaved' : target.revision ? `saved · ${target.revision.slice(0, 8)}` : ''}
        </span>
      </div>
      <div className="toolbar-group">
        <button
          type="button"
          onClick={() => editorStore.getState().undo()}
          disabled={!canUndo}
          title="Undo (⌘Z)"
          data-testid="undo-button"
        >
          ↶
        </button>
        <button
          type="button"
          onClick={() => editorStore.getState().redo()}
          disabled={!canRedo}
          title="Redo (⇧⌘Z)"
          data-testid="redo-button"
        >
          ↷
        </button>
        <button
          type="button"
          onClick={onLayout}
          title="Auto-layout (L)"
          data-testid="layout-button"
        >
          Layout
        </button>
        <button
          type="button"
          onClick={() => file.current?.click()}
          title="Import a graph JSON file"
          data-testid="import-button"
        >
          Import
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          hidden
          onChange={(e) => void onFile(e)}
          data-testid="import-input"
        />
        <button
          type="button"
          onClick={exportGraph}
          title="Download this graph as JSON"
          data-testid="export-button"
        >
          Export
        </button>
        <button
          type="button"
          onClick={() => void deleteCurrentGraph()}
          title="Delete this graph"
          data-testid="delete-graph-button"
        >
          Delete
        </button>
      </div>
      <div className="toolbar-spacer" />
      <div className="toolbar-group">
        {errorCount > 0 && (
          <button
            type="button"
            className="problems-count"
            onClick={() => uiStore.getState().set({ bottomOpen: true, bottomTab: 'problems' })}
            data-testid="problems-count"
          >
            {errorCount} problem{errorCount === 1 ? '' : 's'}
          </button>
        )}
        <button
          type="button"
          onClick={() => void saveGraph()}
          disabled={busy !== null}
          title="Save (⌘S)"
          data-testid="save-button"
        >
          {busy === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void saveGraph({ deploy: true })}
          disabled={busy !== null}
          title="Save and apply to live sessions (⌘Enter)"
          data-testid="deploy-button"
        >
          {busy === 'deploying' ? 'Deploying…' : 'Deploy'}
        </button>
        <button
          type="button"
          className={`talk-button${talking ? ' live' : ''}`}
          onClick={onTalk}
          title="Talk to this graph with your microphone"
          data-testid="talk-button"
        >
          {talking ? '● Talking' : 'Talk'}
        </button>
        <button
          type="button"
          onClick={() => uiStore.getState().set({ helpOpen: true })}
          title="Keyboard shortcuts (?)"
          data-testid="help-button"
        >
          ?
        </button>
      </div>
    </header>
  );
}
