/**
 * Auto-layout: ELK's layered algorithm left → right along the frame flow.
 * Tool nodes are left out of the layering and parked under the LLM they
 * serve, where their wire plugs in.
 */
import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk-api.js';
import { READABLE_ZOOM } from '../canvas/readableViewport.ts';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  isTool: boolean;
}

export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  tools: boolean;
}

type Position = { x: number; y: number };

let elk: ElkApi | null = null;

/** A typical editor canvas, when the caller does not say. */
const DEFAULT_SCREEN = { width: 1400, height: 800 };

/**
 * @param screen the canvas the layout is for: a flow too wide to read there
 *   (wider than it at READABLE_ZOOM — a ten-stage voice pipeline in one row)
 *   is wrapped into rows of the canvas's proportions, each read left to right
 */
export async function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  screen: { width: number; height: number } = DEFAULT_SCREEN,
): Promise<Record<string, Position>> {
  const row = await layoutOnce(nodes, edges, {});
  const width = Math.max(0, ...nodes.map((n) => (row[n.id]?.x ?? 0) + n.width));
  if (width * READABLE_ZOOM <= screen.width) return row;
  return layoutOnce(nodes, edges, {
    'elk.layered.wrapping.strategy': 'MULTI_EDGE',
    'elk.aspectRatio': String(screen.width / screen.height),
  });
}

async function layoutOnce(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  wrapping: Record<string, string>,
): Promise<Record<string, Position>> {
  if (!elk) {
    // ELK is a megabyte of transpiled Java: load it on the first layout, not at startup.
    // It is CommonJS, so depending on the bundler the constructor sits at `default` or `default.default`.
    let ctor: unknown = await import('elkjs/lib/elk.bundled.js');
    while (typeof ctor !== 'function' && ctor && typeof ctor === 'object' && 'default' in ctor)
      ctor = (ctor as { default: unknown }).default;
    elk = new (ctor as new () => ElkApi)();
  }
  const engine = elk;
  const flowNodes = nodes.filter((n) => !n.isTool);
  const flowIds = new Set(flowNodes.map((n) => n.id));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.nodeNode': '50',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      ...wrapping,
    },
    children: flowNodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: edges
      .filter((e) => !e.tools && flowIds.has(e.source) && flowIds.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await engine.layout(graph);
  const positions: Record<string, Position> = {};
  let bottom = 0;
  for (const child of result.children ?? []) {
    positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
    bottom = Math.max(bottom, (child.y ?? 0) + (child.height ?? 0));
  }
  const size = new Map(nodes.map((n) => [n.id, n]));
  const underLlm = new Map<string, number>();
  let looseX = 0;
  for (const tool of nodes.filter((n) => n.isTool)) {
    const llm = edges.find((e) => e.tools && e.source === tool.id && positions[e.target])?.target;
    if (llm) {
      const index = underLlm.get(llm) ?? 0;
      underLlm.set(llm, index + 1);
      const host = positions[llm];
      const hostHeight = size.get(llm)?.height ?? 100;
      positions[tool.id] = { x: host.x + index * (tool.width + 30), y: host.y + hostHeight + 90 };
      bottom = Math.max(bottom, positions[tool.id].y + tool.height);
    } else {
      positions[tool.id] = { x: looseX, y: bottom + 120 };
      looseX += tool.width + 30;
    }
  }
  return positions;
}
