/**
 * Commands that need the React Flow instance (view changes) next to the ones
 * that only touch stores, in one place for the toolbar, shortcuts and panels.
 */

import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useMemo } from 'react';
import { type ClipboardContent, isClipboardContent } from '../graph/clipboard.ts';
import type { AgentFlowNode, FrameFlowEdge } from '../graph/flowTypes.ts';
import { layoutGraph } from '../graph/layoutGraph.ts';
import type { Command } from '../shortcuts/matchShortcut.ts';
import { editorStore } from '../store/editorStore.ts';
import { talkStore } from '../store/talkStore.ts';
import { uiStore } from '../store/uiStore.ts';
import { startTalk } from '../talk/talkSession.ts';
import { saveGraph } from './graphActions.ts';

let internalClipboard: ClipboardContent | null = null;

export function useEditorCommands() {
  const flow = useReactFlow<AgentFlowNode, FrameFlowEdge>();
  const flowStore = useStoreApi();
  return useMemo(() => {
    const goToNode = (nodeId: string) => {
      const node = editorStore.getState().nodes.find((n) => n.id === nodeId);
      if (!node) return;
      editorStore.getState().selectNode(nodeId);
      uiStore.getState().set({ rightTab: 'inspect' });
      void flow.fitView({ nodes: [{ id: nodeId }], duration: 300, maxZoom: 1.2, padding: 0.6 });
    };

    const goToEdge = (edgeId: string) => {
      const edge = editorStore.getState().edges.find((e) => e.id === edgeId);
      if (!edge) return;
      void flow.fitView({
        nodes: [{ id: edge.source }, { id: edge.target }],
        duration: 300,
        maxZoom: 1.2,
        padding: 0.4,
      });
      editorStore.getState().onEdgesChange([{ type: 'select', id: edgeId, selected: true }]);
    };

    const autoLayout = async () => {
      const { nodes, edges, catalogue } = editorStore.getState();
      const positions = await layoutGraph(
        nodes.map((n) => ({
          id: n.id,
          width: n.measured?.width ?? 190,
          height: n.measured?.height ?? 110,
          isTool: catalogue?.info(n.data.type)?.kind === 'tool',
        })),
        edges.map((e) => ({
          id: e.id,
          source: e.source,
          target: e.target,
          tools: e.targetHandle === 'tools',
        })),
        { width: flowStore.getState().width, height: flowStore.getState().height },
      );
      editorStore.getState().setPositions(positions);
      setTimeout(() => void flow.fitView({ padding: 0.15, duration: 300 }), 30);
    };

    const talk = async () => {
      const talkState = talkStore.getState().state;
      if (talkState === 'connecting' || talkState === 'connected') {
        uiStore.getState().set({ rightTab: 'talk' });
        return;
      }
      const editor = editorStore.getState();
      // Talk runs what the server has: save first so the user hears what they see.
      if (editor.dirty || !editor.target.revision) {
        const saved = await saveGraph();
        if (!saved) return;
      }
      uiStore.getState().set({ rightTab: 'talk', bottomTab: 'latency', bottomOpen: true });
      await startTalk(editorStore.getState().target.name);
    };

    const copy = (): string | null => {
      const clip = editorStore.getState().copy();
      if (!clip) return null;
      internalClipboard = clip;
      return JSON.stringify(clip);
    };

    const paste = (text: string | null) => {
      let clip: ClipboardContent | null = null;
      if (text) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (isClipboardContent(parsed)) clip = parsed;
        } catch {
          // Not ours: fall back to the in-page clipboard.
        }
      }
      clip ??= internalClipboard;
      if (clip) editorStore.getState().paste(clip);
    };

    const command = (c: Command) => {
      const editor = editorStore.getState();
      switch (c) {
        case 'undo':
          return editor.undo();
        case 'redo':
          return editor.redo();
        case 'delete':
          return editor.deleteSelection();
        case 'duplicate':
          return editor.duplicateSelection();
        case 'save':
          return void saveGraph();
        case 'deploy':
          return void saveGraph({ deploy: true });
        case 'help':
          return uiStore.getState().set({ helpOpen: !uiStore.getState().helpOpen });
        case 'escape':
          if (uiStore.getState().helpOpen) return uiStore.getState().set({ helpOpen: false });
          return editor.selectNode(null);
        case 'selectAll':
          return editor.onNodesChange(
            editor.nodes.map((n) => ({ type: 'select', id: n.id, selected: true })),
          );
        case 'layout':
          return void autoLayout();
        case 'fit':
          return void flow.fitView({ padding: 0.15, duration: 300 });
      }
    };

    return {
      goToNode,
      goToEdge,
      autoLayout,
      talk,
      command,
      copy,
      cut: () => {
        const text = copy();
        if (text) editorStore.getState().deleteSelection();
        return text;
      },
      paste,
    };
  }, [flow, flowStore]);
}
