/** Layout: toolbar, palette | canvas + bottom dock | inspector. */

import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import { bootstrap } from './actions/graphActions.ts';
import { useEditorCommands } from './actions/useEditorCommands.ts';
import { Canvas } from './canvas/Canvas.tsx';
import { ConfigPanel } from './panels/ConfigPanel.tsx';
import { ConflictBanner } from './panels/ConflictBanner.tsx';
import { HelpOverlay } from './panels/HelpOverlay.tsx';
import { LatencyPanel } from './panels/LatencyPanel.tsx';
import { Palette } from './panels/Palette.tsx';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { TalkPanel } from './panels/TalkPanel.tsx';
import { Toasts } from './panels/Toasts.tsx';
import { Toolbar } from './panels/Toolbar.tsx';
import { VersionsPanel } from './panels/VersionsPanel.tsx';
import { useShortcuts } from './shortcuts/useShortcuts.ts';
import { editorStore, useEditor } from './store/editorStore.ts';
import { useLive } from './store/liveStore.ts';
import { type BottomTab, type RightTab, uiStore, useUi } from './store/uiStore.ts';
import { TestsPanel } from './tests/TestsPanel.tsx';
import { recordTalkSessions } from './tests/talkRecording.ts';

function useBeforeUnload() {
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!editorStore.getState().dirty) return;
      e.preventDefault();
      // Older browsers need returnValue set to show the prompt.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}

function RightSidebar({ onTalk }: { onTalk(): void }) {
  const tab = useUi((s) => s.rightTab);
  const tabs: Array<[RightTab, string]> = [
    ['inspect', 'Node'],
    ['talk', 'Talk'],
    ['versions', 'Versions'],
  ];
  return (
    <aside className="sidebar-right" data-testid="sidebar-right">
      <nav className="tabs">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id ? 'active' : ''}
            onClick={() => uiStore.getState().set({ rightTab: id })}
            data-testid={`tab-${id}`}
          >
            {label}
          </button>
        ))}
      </nav>
      <div className="sidebar-body">
        {tab === 'inspect' && <ConfigPanel />}
        {tab === 'talk' && <TalkPanel onStart={onTalk} />}
        {tab === 'versions' && <VersionsPanel />}
      </div>
    </aside>
  );
}

function BottomDock({
  onGoToNode,
  onGoToEdge,
}: {
  onGoToNode(id: string): void;
  onGoToEdge(id: string): void;
}) {
  const tab = useUi((s) => s.bottomTab);
  const open = useUi((s) => s.bottomOpen);
  const errors = useEditor((s) => s.errors.length);
  const warnings = useEditor((s) => s.warnings.length);
  const turns = useLive((s) => s.turns.length);
  const tabs: Array<[BottomTab, string]> = [
    ['problems', `Problems${errors + warnings ? ` (${errors + warnings})` : ''}`],
    ['latency', `Latency${turns ? ` (${turns})` : ''}`],
    ['tests', 'Tests'],
  ];
  return (
    <section className={`bottom-dock${open ? ' open' : ''}`} data-testid="bottom-dock">
      <nav className="tabs">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id && open ? 'active' : ''}
            onClick={() =>
              uiStore.getState().set({ bottomTab: id, bottomOpen: !(open && tab === id) })
            }
            data-testid={`tab-${id}`}
          >
            {label}
            {id === 'problems' && errors > 0 && <span className="count error">{errors}</span>}
          </button>
        ))}
      </nav>
      {open && (
        <div className="dock-body">
          {tab === 'problems' ? (
            <ProblemsPanel onGoToNode={onGoToNode} onGoToEdge={onGoToEdge} />
          ) : tab === 'tests' ? (
            <TestsPanel />
          ) : (
            <LatencyPanel onSelectNode={onGoToNode} />
          )}
        </div>
      )}
    </section>
  );
}

function Editor() {
  const commands = useEditorCommands();
  const fatal = useUi((s) => s.fatal);
  useShortcuts(commands);
  useBeforeUnload();
  useEffect(() => {
    void bootstrap();
  }, []);
  // Talk sessions started from the editor are recorded (in server memory) so one can be saved as a scenario.
  useEffect(() => recordTalkSessions(), []);
  if (fatal) {
    return (
      <div className="fatal" data-testid="fatal">
        <h1>Parley</h1>
        <p>{fatal}</p>
        <button type="button" onClick={() => window.location.reload()}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="app">
      <Toolbar onLayout={() => void commands.autoLayout()} onTalk={() => void commands.talk()} />
      <ConflictBanner />
      <div className="main">
        <Palette />
        <div className="center">
          <Canvas />
          <BottomDock onGoToNode={commands.goToNode} onGoToEdge={commands.goToEdge} />
        </div>
        <RightSidebar onTalk={() => void commands.talk()} />
      </div>
      <HelpOverlay />
      <Toasts />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}
