// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEditorCommands } from '../../editor/src/actions/useEditorCommands.ts';
import { Toolbar } from '../../editor/src/panels/Toolbar.tsx';
import { matchShortcut } from '../../editor/src/shortcuts/matchShortcut.ts';
import { useShortcuts } from '../../editor/src/shortcuts/useShortcuts.ts';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { uiStore } from '../../editor/src/store/uiStore.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';
import { installFlowPolyfills } from './jsdomFlow.ts';

function Harness() {
  useShortcuts(useEditorCommands());
  return (
    <>
      <input data-testid="typing" />
      <textarea data-testid="prompt" />
      <Toolbar onLayout={() => {}} onTalk={() => {}} />
    </>
  );
}

beforeAll(installFlowPolyfills);
beforeEach(() => {
  editorStore.getState().setCatalogue(loadCatalogue());
  editorStore.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
  uiStore.getState().set({
    helpOpen: false,
    graphs: [{ name: 'voice-agent', revision: 'r1', updatedAt: '2026-01-01T00:00:00.000Z' }],
  });
  render(
    <ReactFlowProvider>
      <Harness />
    </ReactFlowProvider>,
  );
});
afterEach(cleanup);

const voice = () => editorStore.getState().nodes.find((n) => n.id === 'tts')?.data.config.voice;

describe('matchShortcut', () => {
  const key = (
    k: string,
    mods: Partial<{ metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
  ) =>
    matchShortcut({
      key: k,
      metaKey: false,
      ctrlKey: false,
      shiftKey: false,
      altKey: false,
      ...mods,
    });
  it('maps mac and pc chords', () => {
    expect(key('z', { metaKey: true })).toBe('undo');
    expect(key('Z', { metaKey: true, shiftKey: true })).toBe('redo');
    expect(key('z', { ctrlKey: true })).toBe('undo');
    expect(key('y', { ctrlKey: true })).toBe('redo');
    expect(key('d', { metaKey: true })).toBe('duplicate');
    expect(key('s', { ctrlKey: true })).toBe('save');
    expect(key('Enter', { metaKey: true })).toBe('deploy');
    expect(key('Delete')).toBe('delete');
    expect(key('Backspace')).toBe('delete');
    expect(key('?', { shiftKey: true })).toBe('help');
    expect(key('c', { metaKey: true })).toBeNull(); // copy goes through the clipboard event
    expect(key('x')).toBeNull();
  });
});

describe('undo/redo and shortcuts', () => {
  it('⌘Z undoes, ⇧⌘Z and Ctrl+Y redo', () => {
    act(() => editorStore.getState().updateConfig('tts', 'voice', 'rms'));
    fireEvent.keyDown(window, { key: 'z', metaKey: true });
    expect(voice()).toBe('slt');
    fireEvent.keyDown(window, { key: 'z', metaKey: true, shiftKey: true });
    expect(voice()).toBe('rms');
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    expect(voice()).toBe('slt');
    fireEvent.keyDown(window, { key: 'y', ctrlKey: true });
    expect(voice()).toBe('rms');
  });

  it('leaves keys alone while typing in a field', () => {
    act(() => editorStore.getState().updateConfig('tts', 'voice', 'rms'));
    act(() => editorStore.getState().selectNode('tts'));
    fireEvent.keyDown(screen.getByTestId('typing'), { key: 'z', ctrlKey: true });
    fireEvent.keyDown(screen.getByTestId('prompt'), { key: 'Backspace' });
    expect(voice()).toBe('rms');
    expect(editorStore.getState().nodes.some((n) => n.id === 'tts')).toBe(true);
  });

  it('Delete removes the selection; undo brings it back with its edges', () => {
    act(() => editorStore.getState().selectNode('llm'));
    fireEvent.keyDown(window, { key: 'Delete' });
    expect(editorStore.getState().nodes.some((n) => n.id === 'llm')).toBe(false);
    fireEvent.keyDown(window, { key: 'z', metaKey: true });
    expect(
      editorStore.getState().edges.filter((e) => e.target === 'llm' || e.source === 'llm'),
    ).toHaveLength(3);
  });

  it('⌘D duplicates and ? opens the help', () => {
    act(() => editorStore.getState().selectNode('vad'));
    fireEvent.keyDown(window, { key: 'd', metaKey: true });
    expect(editorStore.getState().nodes.some((n) => n.id === 'vad2')).toBe(true);
    fireEvent.keyDown(window, { key: '?', shiftKey: true });
    expect(uiStore.getState().helpOpen).toBe(true);
  });

  it('toolbar buttons follow the history and the unsaved indicator follows edits', () => {
    const undo = screen.getByTestId('undo-button') as HTMLButtonElement;
    expect(undo.disabled).toBe(true);
    expect(screen.getByTestId('dirty-indicator').textContent).toMatch(/saved/);
    act(() => editorStore.getState().updateConfig('tts', 'voice', 'rms'));
    expect(undo.disabled).toBe(false);
    expect(screen.getByTestId('dirty-indicator').textContent).toMatch(/unsaved/);
    fireEvent.click(undo);
    expect(screen.getByTestId('dirty-indicator').textContent).not.toMatch(/unsaved/);
    expect((screen.getByTestId('redo-button') as HTMLButtonElement).disabled).toBe(false);
  });
});
