/**
 * Where a freshly opened graph is shown. Fitting the whole graph to the window
 * makes a long pipeline unreadable (ten nodes in a row zoomed out until labels
 * are a few pixels high), so the fit stops at a zoom where node text can still
 * be read; what does not fit then starts at the beginning of the flow — its
 * left (input) end, top — and the rest is a pan away.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Below this, the node cards' 12–13 px labels render under ~8 px: not readable. */
export const READABLE_ZOOM = 0.65;
/** A small graph is not blown up past its natural size. */
const MAX_FIT_ZOOM = 1;
/** Margin around the graph, as a share of the window. */
const PADDING = 0.08;

export function readableViewport(graph: Rect, screen: { width: number; height: number }): Viewport {
  const usableW = screen.width * (1 - 2 * PADDING);
  const usableH = screen.height * (1 - 2 * PADDING);
  const fit = Math.min(usableW / Math.max(1, graph.width), usableH / Math.max(1, graph.height));
  const zoom = Math.min(MAX_FIT_ZOOM, Math.max(READABLE_ZOOM, fit));
  const width = graph.width * zoom;
  const height = graph.height * zoom;
  // Centred on an axis where the graph fits; pinned to its start (left, top) where it does not.
  const x =
    width <= usableW
      ? (screen.width - width) / 2 - graph.x * zoom
      : screen.width * PADDING - graph.x * zoom;
  const y =
    height <= usableH
      ? (screen.height - height) / 2 - graph.y * zoom
      : screen.height * PADDING - graph.y * zoom;
  return { x, y, zoom };
}
