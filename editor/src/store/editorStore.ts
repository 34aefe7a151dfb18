/**
 * The graph being edited: React Flow nodes/edges, undo history, what the
 * validator says, and whether it differs from the saved revision. Live
 * metrics live elsewhere (liveStore) so a 4 Hz stats tick never touches this
 * store and never re-renders the canvas.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import {
  edgeFrameTypes,
  estimateGraphLatency,
  type GraphDocument,
  type GraphIssue,
  type LatencyEstimate,
  outgoingFrameTypes,
  TOOLS_HANDLE,
  validateGraph,
} from '#engine/browser';
import type { EditorCatalogue } from '../catalogue/createCatalogue.ts';
import { dominantFamily, TOOLS_FAMILY } from '../catalogue/frameColors.ts';
import { type ClipboardContent, copySelection, pasteClipboard } from '../graph/clipboard.ts';
import { flowEdgeToGraph, flowToGraph, type GraphMeta } from '../graph/flowToGraph.ts';
import {
  type AgentFlowNode,
  type FrameFlowEdge,
  IN_HANDLE,
  OUT_HANDLE,
} from '../graph/flowTypes.ts';
import { graphToFlow } from '../graph/graphToFlow.ts';
import { type ConnectionVerdict, checkConnection } from '../graph/isValidConnection.ts';
import { baseIdForType, uniqueEdgeId, uniqueNodeId } from '../graph/uniqueNodeId.ts';
import { History, type Snapshot } from './History.ts';

export interface SavedTarget {
  /** Name on the server; for a graph never saved, the name it will be created under. */
  name: string;
  /** Revision the edit started from; null until the graph exists on the server. */
  revision: string | null;
}

export interface EditorState {
  catalogue: EditorCatalogue | null;
  meta: GraphMeta;
  target: SavedTarget;
  nodes: AgentFlowNode[];
  edges: FrameFlowEdge[];
  selectedNodeId: string | null;
  errors: GraphIssue[];
  warnings: GraphIssue[];
  /** Errors and warnings by node id, for badges. */
  issuesByNode: Record<string, GraphIssue[]>;
  /** Frame types leaving each node (for connection checks); null while the flow has a cycle. */
  leaving: Map<string, Set<string>> | null;
  /** Static voice-to-voice estimate of the graph as edited; null until node types load. */
  latency: LatencyEstimate | null;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** Bumped on every load so the canvas knows to fit the view. */
  loadCount: number;

  setCatalogue(catalogue: EditorCatalogue): void;
  loadGraph(doc: GraphDocument, target: SavedTarget, options?: { dirty?: boolean }): void;
  onNodesChange(changes: NodeChange<AgentFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<FrameFlowEdge>[]): void;
  checkConnection(
    connection: Pick<Connection, 'source' | 'target' | 'sourceHandle' | 'targetHandle'>,
  ): ConnectionVerdict;
  connect(connection: Connection): ConnectionVerdict;
  addNode(type: string, position: { x: number; y: number }): string | null;
  updateConfig(nodeId: string, key: string, value: unknown): void;
  replaceConfig(nodeId: string, config: Record<string, unknown>): void;
  renameNode(oldId: string, newId: string): string | null;
  selectNode(nodeId: string | null): void;
  deleteSelection(): void;
  copy(): ClipboardContent | null;
  paste(clip: ClipboardContent, offset?: { x: number; y: number }): void;
  duplicateSelection(): void;
  setPositions(positions: Record<string, { x: number; y: number }>): void;
  setMeta(meta: Partial<GraphMeta>): void;
  undo(): void;
  redo(): void;
  markSaved(target: SavedTarget, doc?: GraphDocument): void;
  /** The document as last loaded or saved; null for a graph never saved. */
  savedDocument(): GraphDocument | null;
  document(): GraphDocument;
}

const idPattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

function toDocEdges(edges: readonly FrameFlowEdge[]) {
  return edges.map(flowEdgeToGraph);
}

export function createEditorStore() {
  const history = new History<AgentFlowNode, FrameFlowEdge>(100);
  let savedJson = '';
  let dragging = false;

  return createStore<EditorState>()((set, get) => {
    /** Recompute everything derived from the document: issues, edge colours, dirty. */
    const derive = (
      nodes: AgentFlowNode[],
      edges: FrameFlowEdge[],
      meta = get().meta,
    ): Partial<EditorState> => {
      const catalogue = get().catalogue;
      const doc = flowToGraph(meta, nodes, edges);
      const dirty = JSON.stringify(doc) !== savedJson;
      const canUndo = history.canUndo();
      const canRedo = history.canRedo();
      if (!catalogue) return { nodes, edges, dirty, canUndo, canRedo, latency: null };
      const result = validateGraph(doc, catalogue);
      const errors = result.ok ? [] : result.errors;
      const warnings = result.warnings;
      const issuesByNode: Record<string, GraphIssue[]> = {};
      const byEdge = new Map<string, string>();
      for (const issue of [...errors, ...warnings]) {
        if (issue.nodeId) {
          issuesByNode[issue.nodeId] ??= [];
          issuesByNode[issue.nodeId].push(issue);
        }
        if (issue.edgeId && issue.severity === 'error') byEdge.set(issue.edgeId, issue.message);
      }
      const hasCycle = errors.some((e) => e.code === 'cycle');
      const leaving = hasCycle ? null : outgoingFrameTypes(doc, catalogue);
      const types = new Map(nodes.map((n) => [n.id, n.data.type]));
      const nextEdges = edges.map((e) => {
        const tools = e.targetHandle === TOOLS_HANDLE;
        const from = catalogue.info(types.get(e.source) ?? '');
        const to = catalogue.info(types.get(e.target) ?? '');
        let carried: string[] = [];
        if (!tools && to) {
          const available = leaving?.get(e.source);
          carried = available
            ? available.has('*')
              ? [...to.consumes]
              : to.consumes.includes('*')
                ? [...available]
                : to.consumes.filter((t) => available.has(t))
            : from
              ? edgeFrameTypes(from, to)
              : [];
        }
        const color = tools ? TOOLS_FAMILY.color : dominantFamily(carried).color;
        const problem = byEdge.get(e.id);
        const old = e.data;
        // Keep the same object when nothing changed so React Flow skips the edge.
        if (
          old &&
          old.color === color &&
          old.problem === problem &&
          old.types.join() === carried.join()
        )
          return e;
        return { ...e, data: { types: carried, color, ...(problem ? { problem } : {}) } };
      });
      // Derived here, not in the panel: edits that matter pass through derive, drag frames do not.
      const latency = estimateGraphLatency(doc, catalogue.types);
      return {
        nodes,
        edges: nextEdges,
        errors,
        warnings,
        issuesByNode,
        leaving,
        latency,
        dirty,
        canUndo,
        canRedo,
      };
    };

    const snapshot = (): Snapshot<AgentFlowNode, FrameFlowEdge> => ({
      nodes: get().nodes,
      edges: get().edges,
      meta: get().meta,
    });

    /** Applies an edit as one undo step. `coalesce` merges a burst of edits to one field. */
    const commit = (
      next: { nodes?: AgentFlowNode[]; edges?: FrameFlowEdge[]; meta?: GraphMeta },
      coalesce?: string,
    ) => {
      history.record(snapshot(), coalesce);
      const meta = next.meta ?? get().meta;
      set({ ...derive(next.nodes ?? get().nodes, next.edges ?? get().edges, meta), meta });
    };

    const selectedNodeIdOf = (nodes: AgentFlowNode[]): string | null => {
      const selected = nodes.filter((n) => n.selected);
      return selected.length === 1 ? selected[0].id : null;
    };

    return {
      catalogue: null,
      meta: { name: 'untitled' },
      target: { name: 'untitled', revision: null },
      nodes: [],
      edges: [],
      selectedNodeId: null,
      errors: [],
      warnings: [],
      issuesByNode: {},
      leaving: null,
      latency: null,
      dirty: false,
      canUndo: false,
      canRedo: false,
      loadCount: 0,

      setCatalogue(catalogue) {
        set({ catalogue });
        set(derive(get().nodes, get().edges));
      },

      loadGraph(doc, target, options) {
        history.clear();
        const meta: GraphMeta = {
          name: doc.name,
          ...(doc.description !== undefined ? { description: doc.description } : {}),
        };
        const { nodes, edges } = graphToFlow(doc);
        savedJson = options?.dirty ? '' : JSON.stringify(flowToGraph(meta, nodes, edges));
        set({ meta, target, selectedNodeId: null, loadCount: get().loadCount + 1 });
        set(derive(nodes, edges, meta));
      },

      onNodesChange(changes) {
        const structural = changes.some(
          (c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace',
        );
        const dragStart = changes.some((c) => c.type === 'position' && c.dragging) && !dragging;
        const dragEnd = changes.some((c) => c.type === 'position' && c.dragging === false);
        if (structural || dragStart) history.record(snapshot());
        if (dragStart) dragging = true;
        const nodes = applyNodeChanges(changes, get().nodes);
        const selectionChanged = changes.some((c) => c.type === 'select');
        const selectedNodeId = selectionChanged ? selectedNodeIdOf(nodes) : get().selectedNodeId;
        if (structural || dragEnd) {
          dragging = false;
          const edges = structural
            ? get().edges.filter(
                (e) => nodes.some((n) => n.id === e.source) && nodes.some((n) => n.id === e.target),
              )
            : get().edges;
          set({ ...derive(nodes, edges), selectedNodeId });
        } else {
          // Drag frames, measurements, selection: no validation, no history.
          set({ nodes, selectedNodeId });
        }
      },

      onEdgesChange(changes) {
        const structural = changes.some(
          (c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace',
        );
        if (structural) history.record(snapshot());
        const edges = applyEdgeChanges(changes, get().edges);
        if (structural) set(derive(get().nodes, edges));
        else set({ edges });
      },

      checkConnection(connection) {
        const { nodes, edges, catalogue, leaving } = get();
        if (!catalogue) return { ok: false, reason: 'node types are still loading' };
        return checkConnection(
          {
            ...connection,
            targetHandle: connection.targetHandle === IN_HANDLE ? null : connection.targetHandle,
          },
          {
            nodes: nodes.map((n) => ({ id: n.id, type: n.data.type })),
            edges: toDocEdges(edges),
            catalogue,
            leaving: leaving ?? undefined,
          },
        );
      },

      connect(connection) {
        const verdict = get().checkConnection(connection);
        if (!verdict.ok) return verdict;
        const edges = get().edges;
        const tools = connection.targetHandle === TOOLS_HANDLE;
        const id = uniqueEdgeId(
          connection.source,
          connection.target,
          new Set(edges.map((e) => e.id)),
          tools ? '-tools' : '',
        );
        const edge: FrameFlowEdge = {
          id,
          source: connection.source,
          target: connection.target,
          sourceHandle: connection.sourceHandle ?? OUT_HANDLE,
          targetHandle: tools ? TOOLS_HANDLE : IN_HANDLE,
          type: 'frames',
          data: { types: verdict.types, color: '#94a3b8' },
        };
        commit({ edges: [...edges, edge] });
        return verdict;
      },

      addNode(type, position) {
        const info = get().catalogue?.info(type);
        if (!info) return null;
        const id = uniqueNodeId(baseIdForType(type), new Set(get().nodes.map((n) => n.id)));
        const node: AgentFlowNode = {
          id,
          type: 'agent',
          position,
          data: { type, config: {} },
          selected: true,
        };
        commit({
          nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
        });
        set({ selectedNodeId: id });
        return id;
      },

      updateConfig(nodeId, key, value) {
        const nodes = get().nodes.map((n) => {
          if (n.id !== nodeId) return n;
          const config = { ...n.data.config };
          // Undefined means "use the default": the key leaves the document.
          if (value === undefined) delete config[key];
          else config[key] = value;
          return { ...n, data: { ...n.data, config } };
        });
        commit({ nodes }, `config:${nodeId}:${key}`);
      },

      replaceConfig(nodeId, config) {
        commit({
          nodes: get().nodes.map((n) =>
            n.id === nodeId ? { ...n, data: { ...n.data, config } } : n,
          ),
        });
      },

      renameNode(oldId, newId) {
        if (oldId === newId) return null;
        if (!idPattern.test(newId))
          return 'must start with a letter; letters, digits, "_", "-" or "." only (max 64)';
        if (get().nodes.some((n) => n.id === newId)) return `'${newId}' is already used`;
        const nodes = get().nodes.map((n) => (n.id === oldId ? { ...n, id: newId } : n));
        const edges = get().edges.map((e) =>
          e.source === oldId || e.target === oldId
            ? {
                ...e,
                source: e.source === oldId ? newId : e.source,
                target: e.target === oldId ? newId : e.target,
              }
            : e,
        );
        commit({ nodes, edges });
        set({ selectedNodeId: get().selectedNodeId === oldId ? newId : get().selectedNodeId });
        return null;
      },

      selectNode(nodeId) {
        const nodes = get().nodes.map((n) => {
          const selected = n.id === nodeId;
          return n.selected === selected ? n : { ...n, selected };
        });
        const edges = get().edges.map((e) => (e.selected ? { ...e, selected: false } : e));
        set({ nodes, edges, selectedNodeId: nodeId });
      },

      deleteSelection() {
        const { nodes, edges } = get();
        const gone = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
        const keptEdges = edges.filter(
          (e) => !e.selected && !gone.has(e.source) && !gone.has(e.target),
        );
        if (gone.size === 0 && keptEdges.length === edges.length) return;
        commit({ nodes: nodes.filter((n) => !gone.has(n.id)), edges: keptEdges });
        set({ selectedNodeId: null });
      },

      copy() {
        return copySelection(get().nodes, get().edges);
      },

      paste(clip, offset = { x: 40, y: 40 }) {
        const { nodes, edges } = get();
        const pasted = pasteClipboard(
          clip,
          new Set(nodes.map((n) => n.id)),
          new Set(edges.map((e) => e.id)),
          offset,
        );
        commit({
          nodes: [
            ...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
            ...pasted.nodes,
          ],
          edges: [
            ...edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
            ...pasted.edges,
          ],
        });
        set({ selectedNodeId: pasted.nodes.length === 1 ? pasted.nodes[0].id : null });
      },

      duplicateSelection() {
        const clip = get().copy();
        if (clip) get().paste(clip);
      },

      setPositions(positions) {
        commit({
          nodes: get().nodes.map((n) =>
            positions[n.id] ? { ...n, position: positions[n.id] } : n,
          ),
        });
      },

      setMeta(meta) {
        commit({ meta: { ...get().meta, ...meta } }, 'meta');
      },

      undo() {
        const previous = history.undo(snapshot());
        if (!previous) return;
        set({
          ...derive(previous.nodes, previous.edges, previous.meta),
          meta: previous.meta,
          selectedNodeId: selectedNodeIdOf(previous.nodes),
        });
      },

      redo() {
        const next = history.redo(snapshot());
        if (!next) return;
        set({
          ...derive(next.nodes, next.edges, next.meta),
          meta: next.meta,
          selectedNodeId: selectedNodeIdOf(next.nodes),
        });
      },

      markSaved(target, doc) {
        savedJson = JSON.stringify(doc ?? get().document());
        set({ target, dirty: JSON.stringify(get().document()) !== savedJson });
      },

      document() {
        return flowToGraph(get().meta, get().nodes, get().edges);
      },

      savedDocument() {
        return savedJson ? (JSON.parse(savedJson) as GraphDocument) : null;
      },
    };
  });
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** The app's one editor store. Tests create their own with createEditorStore(). */
export const editorStore = createEditorStore();

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(editorStore, selector);
}
