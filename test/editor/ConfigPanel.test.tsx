// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigPanel } from '../../editor/src/panels/ConfigPanel.tsx';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';

beforeEach(() => {
  editorStore.getState().setCatalogue(loadCatalogue());
  const doc = voiceAgent();
  doc.nodes.push(
    { id: 'gpt', type: 'llm.openai', config: {} },
    { id: 'dg', type: 'tts.deepgram', config: {} },
  );
  editorStore.getState().loadGraph(doc, { name: 'voice-agent', revision: 'r1' });
});
afterEach(cleanup);

describe('ConfigPanel', () => {
  it('asks for a selection when nothing is selected', () => {
    render(<ConfigPanel />);
    expect(screen.getByTestId('config-empty')).toBeTruthy();
  });

  it('edits the selected node and validates as you type', () => {
    render(<ConfigPanel />);
    act(() => editorStore.getState().selectNode('vad'));
    expect((screen.getByTestId('field-stopMs') as HTMLInputElement).value).toBe('300');
    fireEvent.change(screen.getByTestId('field-stopMs'), { target: { value: '7000' } });
    expect(editorStore.getState().nodes.find((n) => n.id === 'vad')!.data.config.stopMs).toBe(7000);
    expect(screen.getByTestId('field-error-stopMs').textContent).toMatch(/5000/);
    fireEvent.change(screen.getByTestId('field-stopMs'), { target: { value: '700' } });
    expect(screen.queryByTestId('field-error-stopMs')).toBeNull();
  });

  it('shows credentials only as present or missing', () => {
    render(<ConfigPanel />);
    act(() => editorStore.getState().selectNode('gpt'));
    expect(screen.getByTestId('credential-OPENAI_API_KEY').textContent).toContain('set on server');
    act(() => editorStore.getState().selectNode('dg'));
    expect(screen.getByTestId('credential-DEEPGRAM_API_KEY').textContent).toContain(
      'missing: DEEPGRAM_API_KEY',
    );
  });

  it('lists the endpoints the server sends the key to under the base URL, and flags one it would refuse', () => {
    render(<ConfigPanel />);
    act(() => editorStore.getState().selectNode('gpt'));
    const hint = screen.getByTestId('allowed-endpoints');
    expect(hint.closest('[data-field]')?.getAttribute('data-field')).toBe('baseUrl');
    expect(hint.textContent).toContain('https://api.openai.com/v1');
    expect(hint.textContent).toContain('local → http://127.0.0.1:11434/v1');
    expect(screen.queryByTestId('endpoint-refused')).toBeNull();
    const config = () => editorStore.getState().nodes.find((n) => n.id === 'gpt')!.data.config;
    fireEvent.click(screen.getByTestId('endpoint-local'));
    expect(config().baseUrl).toBe('local');
    fireEvent.change(screen.getByTestId('field-baseUrl'), {
      target: { value: 'https://api.openai.com.evil.example/v1' },
    });
    expect(screen.getByTestId('endpoint-refused').textContent).toContain('OPENAI_API_KEY');
    fireEvent.change(screen.getByTestId('field-baseUrl'), {
      target: { value: 'http://127.0.0.1:11434/v1/' },
    });
    expect(screen.queryByTestId('endpoint-refused')).toBeNull();
    fireEvent.click(screen.getByTestId('endpoint-https://api.openai.com/v1'));
    expect(config().baseUrl).toBeUndefined(); // the default: the key leaves the document
    act(() => editorStore.getState().selectNode('vad'));
    expect(screen.queryByTestId('allowed-endpoints')).toBeNull();
  });

  it('renames a node from the id field', () => {
    render(<ConfigPanel />);
    act(() => editorStore.getState().selectNode('tts'));
    const field = screen.getByTestId('field-node-id');
    fireEvent.change(field, { target: { value: 'voice' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(editorStore.getState().nodes.some((n) => n.id === 'voice')).toBe(true);
    expect(editorStore.getState().selectedNodeId).toBe('voice');
  });
});
