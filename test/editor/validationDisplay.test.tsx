// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Canvas } from '../../editor/src/canvas/Canvas.tsx';
import { ProblemsPanel } from '../../editor/src/panels/ProblemsPanel.tsx';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { liveStore } from '../../editor/src/store/liveStore.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';
import { installFlowPolyfills } from './jsdomFlow.ts';

beforeAll(installFlowPolyfills);
beforeEach(() => {
  editorStore.getState().setCatalogue(loadCatalogue());
  editorStore.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
  liveStore.getState().reset();
  liveStore.getState().clearOutcomes();
});
afterEach(cleanup);

function renderCanvas() {
  return render(
    <div style={{ width: 1200, height: 800 }}>
      <ReactFlowProvider>
        <Canvas />
      </ReactFlowProvider>
    </div>,
  );
}

describe('validation on the canvas', () => {
  it('renders every node with its type and key settings', () => {
    renderCanvas();
    expect(screen.getByTestId('node-vad').textContent).toContain('vad.silero');
    expect(screen.getByTestId('node-vad').textContent).toContain('stopMs');
    expect(screen.getByTestId('node-tts').textContent).toContain('slt');
    expect(screen.queryByTestId('node-badge-vad')).toBeNull();
  });

  it('puts a badge with the message on a failing node, and removes it when fixed', () => {
    renderCanvas();
    act(() => editorStore.getState().updateConfig('vad', 'stopMs', 42000));
    const badge = screen.getByTestId('node-badge-vad');
    expect(badge.textContent).toBe('1');
    expect(badge.getAttribute('title')).toMatch(/config\.stopMs/);
    expect(screen.getByTestId('node-status-vad').textContent).toMatch(/stopMs/);
    act(() => editorStore.getState().undo());
    expect(screen.queryByTestId('node-badge-vad')).toBeNull();
  });

  it('flags nodes that receive no frames', () => {
    renderCanvas();
    act(() => editorStore.getState().onEdgesChange([{ type: 'remove', id: 'in-vad' }]));
    expect(screen.getByTestId('node-badge-vad')).toBeTruthy();
    expect(screen.getByTestId('node-badge-stt')).toBeTruthy();
  });

  it('shows live numbers and deploy outcomes on the node without touching the editor store', () => {
    renderCanvas();
    const before = editorStore.getState().nodes;
    act(() =>
      liveStore.getState().applyMessage({
        type: 'stats',
        sessionId: 's1',
        at: 0,
        intervalMs: 250,
        nodes: { tts: { framesInPerSec: 3, framesOutPerSec: 50, queueDepth: 0, errors: 0 } },
        ttfbMs: { tts: 123.4 },
        botSpeaking: false,
      }),
    );
    expect(screen.getByTestId('node-status-tts').textContent).toMatch(/TTFB 123 ms/);
    act(() =>
      liveStore.getState().setOutcomes([
        { nodeId: 'tts', outcome: 'updated-live', keys: ['voice'] },
        { nodeId: 'llm', outcome: 'new-sessions-only' },
      ]),
    );
    expect(screen.getByTestId('outcome-tts').textContent).toBe('updated live');
    expect(screen.getByTestId('outcome-llm').textContent).toBe('new sessions only');
    expect(editorStore.getState().nodes).toBe(before);
  });
});

describe('ProblemsPanel', () => {
  it('says so when the graph is valid', () => {
    render(<ProblemsPanel onGoToNode={() => {}} />);
    expect(screen.getByTestId('problems-empty')).toBeTruthy();
  });

  it('lists errors and warnings with a way to each node', () => {
    const goTo = vi.fn();
    render(<ProblemsPanel onGoToNode={goTo} />);
    act(() => {
      editorStore.getState().updateConfig('tts', 'voice', 'robot');
      editorStore.getState().onEdgesChange([{ type: 'remove', id: 'weather-llm' }]);
    });
    const rows = screen.getAllByTestId('problem');
    expect(rows.map((r) => r.className)).toEqual(['problem error', 'problem warning']);
    expect(rows[0].textContent).toMatch(/nodes\[8\]\.config\.voice/);
    expect(rows[1].textContent).toMatch(/weather/);
    fireEvent.click(screen.getByTestId('goto-tts'));
    expect(goTo).toHaveBeenCalledWith('tts');
  });
});
