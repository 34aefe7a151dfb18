/**
 * What the toolbar and shortcuts do with the server: open, save, deploy,
 * resolve conflicts, versions, import/export. Components call these; the
 * stores hold the results.
 */

import {
  GRAPH_VERSION,
  type GraphDocument,
  type GraphIssue,
  graphDocumentSchema,
  migrateGraph,
} from '#engine/browser';
import type { SaveResult, SessionReload } from '#server/wire';
import { ApiError } from '../api/ApiError.ts';
import { api } from '../api/api.ts';
import { createCatalogue } from '../catalogue/createCatalogue.ts';
import { changedNodes } from '../graph/changedNodes.ts';
import { editorStore } from '../store/editorStore.ts';
import { liveStore } from '../store/liveStore.ts';
import { talkStore } from '../store/talkStore.ts';
import { uiStore } from '../store/uiStore.ts';

const GRAPH_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function toast(kind: 'info' | 'success' | 'error' | 'warning', text: string): void {
  uiStore.getState().toast(kind, text);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function setUrlGraph(name: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('graph', name);
  window.history.replaceState(null, '', url);
}

export async function refreshGraphList(): Promise<void> {
  try {
    uiStore.getState().set({ graphs: await api.listGraphs() });
  } catch (error) {
    toast('error', `Could not list graphs: ${describe(error)}`);
  }
}

function confirmDiscard(): boolean {
  return !editorStore.getState().dirty || window.confirm('You have unsaved changes. Discard them?');
}

export async function openGraph(name: string, options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !confirmDiscard()) return false;
  uiStore.getState().set({ busy: 'loading' });
  try {
    const stored = await api.getGraph(name);
    editorStore
      .getState()
      .loadGraph(stored.graph, { name: stored.name, revision: stored.revision });
    liveStore.getState().clearOutcomes();
    setUrlGraph(name);
    return true;
  } catch (error) {
    toast('error', `Could not open '${name}': ${describe(error)}`);
    return false;
  } finally {
    uiStore.getState().set({ busy: null });
  }
}

let booted = false;

export async function bootstrap(): Promise<void> {
  // React StrictMode runs effects twice in development; load once.
  if (booted) return;
  booted = true;
  try {
    const types = await api.nodeTypes();
    editorStore.getState().setCatalogue(createCatalogue(types));
  } catch (error) {
    uiStore.getState().set({ fatal: `Cannot reach the Parley server: ${describe(error)}` });
    return;
  }
  await refreshGraphList();
  const graphs = uiStore.getState().graphs;
  const wanted = new URL(window.location.href).searchParams.get('graph');
  const pick =
    graphs.find((g) => g.name === wanted) ??
    graphs.find((g) => g.name === 'voice-agent') ??
    graphs[0];
  if (pick) await openGraph(pick.name, { force: true });
  else newGraph('my-agent', { force: true });
}

/** A new graph: input wired to output, the smallest valid agent (an echo). */
export function newGraph(name: string, options: { force?: boolean } = {}): boolean {
  if (!GRAPH_NAME.test(name)) {
    toast(
      'error',
      'Graph names: letters, digits, "-" or "_", starting with a letter or digit (max 64).',
    );
    return false;
  }
  if (uiStore.getState().graphs.some((g) => g.name === name)) {
    toast('error', `A graph named '${name}' already exists.`);
    return false;
  }
  if (!options.force && !confirmDiscard()) return false;
  const doc: GraphDocument = {
    version: GRAPH_VERSION,
    name,
    nodes: [
      { id: 'in', type: 'transport.input', config: {}, position: { x: 0, y: 120 } },
      { id: 'out', type: 'transport.output', config: {}, position: { x: 600, y: 120 } },
    ],
    edges: [{ id: 'in-out', source: 'in', target: 'out' }],
  };
  editorStore.getState().loadGraph(doc, { name, revision: null }, { dirty: true });
  liveStore.getState().clearOutcomes();
  setUrlGraph(name);
  return true;
}

function showOutcomes(result: SaveResult, changed: string[]): SessionReload[] {
  const sessions = result.reload?.sessions ?? [];
  const mine = talkStore.getState().sessionId;
  // The session being talked to is the one the user is watching; otherwise any.
  const pick = sessions.find((s) => s.sessionId === mine) ?? sessions[0];
  if (pick) liveStore.getState().setOutcomes(pick.nodes);
  // Nobody is connected: the changed nodes take effect when the next session starts.
  else
    liveStore.getState().setOutcomes(
      changed.map((nodeId) => ({
        nodeId,
        outcome: 'new-sessions-only',
        reason: 'no live session was running',
      })),
    );
  return sessions;
}

function reportSave(result: SaveResult, deploying: boolean, changed: string[] = []): void {
  const sessions = showOutcomes(result, changed);
  const failed = sessions.filter((s) => s.error || s.nodes.some((n) => n.outcome === 'failed'));
  if (failed.length > 0) {
    const why =
      failed[0].error ??
      failed[0].nodes.find((n) => n.outcome === 'failed')?.reason ??
      'see the nodes';
    toast(
      'error',
      `Saved revision ${result.revision}, but reload failed in ${failed.length} session(s): ${why}`,
    );
  } else if (sessions.length > 0) {
    toast(
      'success',
      `Deployed revision ${result.revision} to ${sessions.length} live session${sessions.length === 1 ? '' : 's'}.`,
    );
  } else {
    toast(
      'success',
      deploying
        ? `Deployed revision ${result.revision}. No live sessions — new sessions will use it.`
        : `Saved revision ${result.revision}.`,
    );
  }
}

/** Save, or save-and-report for Deploy. Both PUT: the server hot-reloads live sessions on every save. */
export async function saveGraph(
  options: { deploy?: boolean; overwrite?: string } = {},
): Promise<boolean> {
  const editor = editorStore.getState();
  const ui = uiStore.getState();
  if (ui.busy === 'saving' || ui.busy === 'deploying') return false;
  if (!editor.dirty && editor.target.revision && !options.overwrite) {
    toast(
      'info',
      options.deploy
        ? `Nothing to deploy: revision ${editor.target.revision} is live.`
        : 'Already saved.',
    );
    return true;
  }
  if (editor.errors.length > 0) {
    toast(
      'error',
      `Fix ${editor.errors.length} problem${editor.errors.length === 1 ? '' : 's'} first: ${editor.errors[0].message}`,
    );
    uiStore.getState().set({ bottomOpen: true, bottomTab: 'problems' });
    return false;
  }
  const doc = editor.document();
  const changed = editor.target.revision ? changedNodes(editor.savedDocument(), doc) : [];
  const { name, revision } = editor.target;
  if (doc.name !== name) doc.name = name;
  uiStore.getState().set({ busy: options.deploy ? 'deploying' : 'saving' });
  try {
    const result =
      revision || options.overwrite
        ? await api.updateGraph(name, doc, options.overwrite ?? revision!)
        : await api.createGraph(name, doc);
    editorStore.getState().markSaved({ name, revision: result.revision }, doc);
    uiStore.getState().set({ conflict: null });
    reportSave(result, Boolean(options.deploy), changed);
    void refreshGraphList();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      const current =
        typeof error.body.currentRevision === 'string' ? error.body.currentRevision : null;
      uiStore.getState().set({ conflict: { currentRevision: current, message: error.message } });
    } else if (
      error instanceof ApiError &&
      error.status === 400 &&
      Array.isArray(error.body.errors)
    ) {
      const errors = error.body.errors as GraphIssue[];
      toast('error', `The server refused the graph: ${errors[0]?.message ?? error.message}`);
    } else {
      toast('error', `Save failed: ${describe(error)}`);
    }
    return false;
  } finally {
    uiStore.getState().set({ busy: null });
  }
}

export async function resolveConflict(choice: 'reload' | 'overwrite' | 'dismiss'): Promise<void> {
  const conflict = uiStore.getState().conflict;
  if (!conflict) return;
  if (choice === 'dismiss') {
    uiStore.getState().set({ conflict: null });
    return;
  }
  if (choice === 'reload') {
    uiStore.getState().set({ conflict: null });
    await openGraph(editorStore.getState().target.name, { force: true });
    return;
  }
  if (conflict.currentRevision) await saveGraph({ overwrite: conflict.currentRevision });
}

export async function restoreVersion(revision: string): Promise<void> {
  const { name } = editorStore.getState().target;
  if (!confirmDiscard()) return;
  try {
    const result = await api.restore(name, revision);
    await openGraph(name, { force: true });
    reportSave(result, true);
  } catch (error) {
    toast('error', `Restore failed: ${describe(error)}`);
  }
}

export async function deleteCurrentGraph(): Promise<void> {
  const { name, revision } = editorStore.getState().target;
  if (!window.confirm(`Delete graph '${name}'? Its versions are kept on the server.`)) return;
  try {
    if (revision) await api.deleteGraph(name);
    await refreshGraphList();
    const next = uiStore.getState().graphs[0];
    if (next) await openGraph(next.name, { force: true });
    else newGraph('my-agent', { force: true });
  } catch (error) {
    toast('error', `Delete failed: ${describe(error)}`);
  }
}

export function exportGraph(): void {
  const doc = editorStore.getState().document();
  const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${doc.name}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Loads a graph file as unsaved edits: over the same-named graph if there is one, else as a new graph. */
export function importGraph(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    toast('error', `Not JSON: ${describe(error)}`);
    return false;
  }
  let current: unknown;
  try {
    // A file saved by an older Parley opens in today's format, as the server would load it.
    current = migrateGraph(parsed);
  } catch (error) {
    toast('error', `Cannot open this graph: ${describe(error)}`);
    return false;
  }
  const shape = graphDocumentSchema.safeParse(current);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    toast('error', `Not a Parley graph: ${issue.path.join('.') || 'document'}: ${issue.message}`);
    return false;
  }
  if (!confirmDiscard()) return false;
  const doc = shape.data;
  const name = GRAPH_NAME.test(doc.name)
    ? doc.name
    : doc.name
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 64) || 'imported';
  const existing = uiStore.getState().graphs.find((g) => g.name === name);
  editorStore
    .getState()
    .loadGraph({ ...doc, name }, { name, revision: existing?.revision ?? null }, { dirty: true });
  setUrlGraph(name);
  toast(
    'info',
    existing
      ? `Imported over '${name}' — save to replace it.`
      : `Imported as new graph '${name}' — save to create it.`,
  );
  return true;
}
