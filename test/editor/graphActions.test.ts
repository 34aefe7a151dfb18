// @vitest-environment jsdom
/** Save/Deploy against a scripted fetch: revisions, 409 conflicts, per-node reload outcomes. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importGraph, resolveConflict, saveGraph } from '../../editor/src/actions/graphActions.ts';
import { changedNodes } from '../../editor/src/graph/changedNodes.ts';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { liveStore } from '../../editor/src/store/liveStore.ts';
import { uiStore } from '../../editor/src/store/uiStore.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';

type Reply = { status: number; body?: unknown };
let replies: Reply[];
let requests: Array<{ method: string; url: string; body: unknown }>;

beforeEach(() => {
  replies = [];
  requests = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({
      method: init.method ?? 'GET',
      url,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    const reply = replies.shift() ?? { status: 200, body: [] };
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
    });
  });
  editorStore.getState().setCatalogue(loadCatalogue());
  editorStore.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
  liveStore.getState().clearOutcomes();
  uiStore.getState().set({
    conflict: null,
    busy: null,
    graphs: [{ name: 'voice-agent', revision: 'r1', updatedAt: '2026-01-01T00:00:00.000Z' }],
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('save and deploy', () => {
  it('PUTs with the revision it started from and shows what each live node did', async () => {
    editorStore.getState().updateConfig('tts', 'voice', 'rms');
    replies.push({
      status: 200,
      body: {
        name: 'voice-agent',
        revision: 'r2',
        reload: {
          sessions: [
            {
              sessionId: 's1',
              nodes: [
                { nodeId: 'tts', outcome: 'updated-live', keys: ['voice'] },
                { nodeId: 'vad', outcome: 'unchanged' },
              ],
            },
          ],
        },
      },
    });
    expect(await saveGraph({ deploy: true })).toBe(true);
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      url: '/api/graphs/voice-agent',
      body: { revision: 'r1', graph: { name: 'voice-agent' } },
    });
    expect(editorStore.getState().target.revision).toBe('r2');
    expect(editorStore.getState().dirty).toBe(false);
    expect(liveStore.getState().outcomes).toEqual({
      tts: { nodeId: 'tts', outcome: 'updated-live', keys: ['voice'] },
    });
  });

  it('marks changed nodes "new sessions only" when no session is live', async () => {
    editorStore.getState().updateConfig('llm', 'persona', 'Ada');
    replies.push({
      status: 200,
      body: { name: 'voice-agent', revision: 'r2', reload: { sessions: [] } },
    });
    await saveGraph({ deploy: true });
    expect(Object.keys(liveStore.getState().outcomes)).toEqual(['llm']);
    expect(liveStore.getState().outcomes.llm.outcome).toBe('new-sessions-only');
  });

  it('on 409 keeps the edits, tells the user, and can overwrite with the current revision', async () => {
    editorStore.getState().updateConfig('tts', 'voice', 'awb');
    replies.push({ status: 409, body: { error: 'revision mismatch', currentRevision: 'r9' } });
    expect(await saveGraph()).toBe(false);
    expect(uiStore.getState().conflict).toEqual({
      currentRevision: 'r9',
      message: 'revision mismatch',
    });
    expect(editorStore.getState().dirty).toBe(true);
    replies.push({
      status: 200,
      body: { name: 'voice-agent', revision: 'r10', reload: { sessions: [] } },
    });
    await resolveConflict('overwrite');
    expect(requests.at(-2)).toMatchObject({ method: 'PUT', body: { revision: 'r9' } });
    expect(uiStore.getState().conflict).toBeNull();
    expect(editorStore.getState().target.revision).toBe('r10');
  });

  it('refuses to save a graph with errors', async () => {
    editorStore.getState().updateConfig('vad', 'stopMs', 100000);
    expect(await saveGraph()).toBe(false);
    expect(requests).toEqual([]);
  });

  it('POSTs a graph the server does not have yet', async () => {
    expect(importGraph(JSON.stringify({ ...voiceAgent(), name: 'copy-of-agent' }))).toBe(true);
    expect(editorStore.getState().dirty).toBe(true);
    replies.push({ status: 201, body: { name: 'copy-of-agent', revision: 'c1' } });
    await saveGraph();
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/graphs',
      body: { name: 'copy-of-agent' },
    });
    expect(editorStore.getState().target).toEqual({ name: 'copy-of-agent', revision: 'c1' });
  });

  it('rejects files that are not graphs', () => {
    expect(importGraph('{"nodes": 3}')).toBe(false);
    expect(importGraph('not json')).toBe(false);
    expect(editorStore.getState().target.name).toBe('voice-agent');
  });
});

describe('changedNodes', () => {
  it('ignores positions and reports config, type and wiring changes', () => {
    const before = voiceAgent();
    const after = voiceAgent();
    after.nodes[0].position = { x: 999, y: 9 };
    expect(changedNodes(before, after)).toEqual([]);
    after.nodes.find((n) => n.id === 'tts')!.config = { voice: 'rms' };
    after.edges = after.edges.filter((e) => e.id !== 'weather-llm');
    expect(changedNodes(before, after).sort()).toEqual(['llm', 'tts', 'weather']);
  });
});
