import { describe, expect, it } from 'vitest';
import { READABLE_ZOOM, readableViewport } from '../../editor/src/canvas/readableViewport.ts';

const screen = { width: 1200, height: 700 };

describe('readableViewport', () => {
  it('fits a graph that fits at a readable zoom, centred', () => {
    const v = readableViewport({ x: 0, y: 0, width: 900, height: 300 }, screen);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(1);
    // Centred: equal margins left and right.
    expect(v.x).toBeCloseTo((1200 - 900 * v.zoom) / 2, 6);
  });

  it('stops at the readable zoom for a long row and shows its start (the input end)', () => {
    // Ten 230 px nodes 80 px apart: the default graph before it was laid out in rows.
    const graph = { x: 0, y: 120, width: 10 * 230 + 9 * 80, height: 100 };
    const v = readableViewport(graph, screen);
    expect(v.zoom).toBe(READABLE_ZOOM);
    // The first node's left edge is on screen, near the left margin.
    const firstLeft = graph.x * v.zoom + v.x;
    expect(firstLeft).toBeGreaterThan(0);
    expect(firstLeft).toBeLessThan(1200 * 0.1);
    // Vertically it fits, so it is centred.
    const top = graph.y * v.zoom + v.y;
    expect(top + (graph.height * v.zoom) / 2).toBeCloseTo(350, 6);
  });

  it('never blows a tiny graph up past its natural size', () => {
    expect(readableViewport({ x: 0, y: 0, width: 200, height: 100 }, screen).zoom).toBe(1);
  });
});
