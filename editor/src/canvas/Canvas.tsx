/**
 * The graph canvas. nodeTypes/edgeTypes are module constants (React Flow
 * re-mounts every node when they change identity).
 */

import {
  Background,
  BackgroundVariant,
  type Connection,
  ConnectionLineType,
  Controls,
  type Edge,
  type EdgeTypes,
  type FinalConnectionState,
  type IsValidConnection,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
  useStoreApi,
} from '@xyflow/react';
import { type DragEvent, useCallback } from 'react';
import type { AgentFlowNode, FrameFlowEdge } from '../graph/flowTypes.ts';
import { editorStore, useEditor } from '../store/editorStore.ts';
import { uiStore } from '../store/uiStore.ts';
import { AgentNode } from './AgentNode.tsx';
import { ConnectionHint } from './ConnectionHint.tsx';
import { CATEGORY_COLORS } from './categoryIcons.ts';
import { FrameEdge } from './FrameEdge.tsx';
import { PALETTE_MIME } from './paletteMime.ts';
import { readableViewport } from './readableViewport.ts';
import { useFitViewOnLoad } from './useFitViewOnLoad.ts';

const nodeTypes: NodeTypes = { agent: AgentNode };
const edgeTypes: EdgeTypes = { frames: FrameEdge };
const defaultEdgeOptions = { type: 'frames' } as const;
const proOptions = { hideAttribution: true };

const isValid: IsValidConnection<FrameFlowEdge> = (c: FrameFlowEdge | Connection) =>
  editorStore.getState().checkConnection({
    source: c.source,
    target: c.target,
    sourceHandle: c.sourceHandle ?? null,
    targetHandle: c.targetHandle ?? null,
  }).ok;

function miniMapColor(node: AgentFlowNode): string {
  const info = editorStore.getState().catalogue?.info(node.data.type);
  return CATEGORY_COLORS[info?.category ?? ''] ?? '#475569';
}

export function Canvas() {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const loadCount = useEditor((s) => s.loadCount);
  const { onNodesChange, onEdgesChange } = editorStore.getState();
  const flow = useReactFlow<AgentFlowNode, FrameFlowEdge>();

  const flowStore = useStoreApi();
  const fitLoadedGraph = useCallback(() => {
    const { width, height } = flowStore.getState();
    const bounds = flow.getNodesBounds(flow.getNodes());
    void flow.setViewport(readableViewport(bounds, { width, height }), { duration: 200 });
  }, [flow, flowStore]);
  useFitViewOnLoad(loadCount, nodes, fitLoadedGraph);

  const onConnect = useCallback((connection: Connection) => {
    const verdict = editorStore.getState().connect(connection);
    if (!verdict.ok) uiStore.getState().toast('warning', verdict.reason);
  }, []);

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // React Flow silently drops an invalid wire; say why.
      if (state.isValid || !state.toNode || !state.toHandle || !state.fromNode || !state.fromHandle)
        return;
      const forward = state.fromHandle.type === 'source';
      const verdict = editorStore.getState().checkConnection(
        forward
          ? {
              source: state.fromNode.id,
              sourceHandle: state.fromHandle.id ?? null,
              target: state.toNode.id,
              targetHandle: state.toHandle.id ?? null,
            }
          : {
              source: state.toNode.id,
              sourceHandle: state.toHandle.id ?? null,
              target: state.fromNode.id,
              targetHandle: state.fromHandle.id ?? null,
            },
      );
      if (!verdict.ok) uiStore.getState().toast('warning', verdict.reason);
    },
    [],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      editorStore.getState().addNode(type, { x: position.x - 95, y: position.y - 30 });
    },
    [flow],
  );

  const onEdgeDoubleClick = useCallback((_: unknown, edge: Edge) => {
    editorStore.getState().onEdgesChange([{ type: 'remove', id: edge.id }]);
  }, []);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop zone for the catalogue's drag; the keyboard adds nodes from the catalogue itself
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<AgentFlowNode, FrameFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onEdgeDoubleClick={onEdgeDoubleClick}
        isValidConnection={isValid}
        connectionLineType={ConnectionLineType.Bezier}
        connectionRadius={28}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        selectionOnDrag={false}
        panOnScroll={false}
        minZoom={0.1}
        maxZoom={2}
        colorMode="dark"
        proOptions={proOptions}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} color="#2a3140" />
        <MiniMap
          pannable
          zoomable
          nodeColor={miniMapColor}
          nodeStrokeWidth={2}
          maskColor="rgba(8,10,16,0.7)"
        />
        <Controls showInteractive={false} />
        <ConnectionHint />
      </ReactFlow>
    </div>
  );
}
