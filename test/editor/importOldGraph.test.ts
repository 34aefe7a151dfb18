// @vitest-environment jsdom
/**
 * A graph file saved by an older Parley opens in the editor in today's
 * format, as the server would load it; one from a newer Parley is refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { importGraph } from '../../editor/src/actions/graphActions.ts';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { uiStore } from '../../editor/src/store/uiStore.ts';
import { GRAPH_VERSION } from '../../engine/graph/GraphDocument.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';

// Paths, not URLs: under jsdom the global URL is jsdom's, which node:fs refuses.
const v1Text = () =>
  readFileSync(
    path.join(import.meta.dirname, '../fixtures/graphs/v1-voice-agent.json'),
    'utf8',
  ).replace('"name": "voice-agent"', '"name": "old-agent"');

beforeEach(() => {
  editorStore.getState().setCatalogue(loadCatalogue());
  editorStore.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
  uiStore.getState().set({ toasts: [], graphs: [] });
});

describe('importing a graph file', () => {
  it('migrates a version 1 file: the form shows stopMs, a save writes the current format', () => {
    expect(importGraph(v1Text())).toBe(true);
    const state = editorStore.getState();
    expect(state.target.name).toBe('old-agent');
    expect(state.nodes.find((n) => n.id === 'vad')!.data.config).toEqual({ stopMs: 300 });
    expect(state.errors).toEqual([]);
    expect(state.document()).toMatchObject({ version: GRAPH_VERSION });
  });

  it('refuses a file from a newer Parley, naming its version', () => {
    const future = v1Text().replace('"version": 1', `"version": ${GRAPH_VERSION + 1}`);
    expect(importGraph(future)).toBe(false);
    expect(editorStore.getState().target.name).toBe('voice-agent');
    expect(uiStore.getState().toasts.at(-1)?.text).toMatch(`version ${GRAPH_VERSION + 1}`);
  });
});
