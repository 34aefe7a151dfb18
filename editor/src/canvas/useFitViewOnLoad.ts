/**
 * Fits the view once per loaded graph, as soon as React Flow has measured the
 * newly loaded nodes. (A timer after the load used to guess when that would
 * be, and sometimes fitted before the nodes had sizes.)
 */

import { type Node, useNodesInitialized, useStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/**
 * @param loadCount bumped by the editor store on every load; 0 = nothing loaded yet
 * @param nodes the nodes the canvas passes to React Flow
 * @param fit what to do once they are measured (the canvas calls fitView)
 */
export function useFitViewOnLoad(loadCount: number, nodes: readonly Node[], fit: () => void): void {
  const initialized = useNodesInitialized();
  // In the render that brings a new graph, React Flow still holds the previous
  // graph's nodes, all measured: `initialized` speaks of those. It speaks of
  // ours once React Flow has adopted this very array.
  const adopted = useStore((s) => s.nodes === nodes);
  const fitted = useRef(0);
  useEffect(() => {
    if (loadCount === fitted.current || !adopted || !initialized) return;
    fitted.current = loadCount;
    fit();
  }, [loadCount, adopted, initialized, fit]);
}
