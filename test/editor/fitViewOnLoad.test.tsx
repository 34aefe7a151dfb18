// @vitest-environment jsdom

import { act, cleanup, render } from '@testing-library/react';
import {
  applyNodeChanges,
  type Node,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useFitViewOnLoad } from '../../editor/src/canvas/useFitViewOnLoad.ts';
import { installFlowPolyfills } from './jsdomFlow.ts';

/**
 * jsdom lays nothing out, so React Flow never measures a node by itself. This
 * ResizeObserver reports sizes only when the test says the browser would
 * have: `measureAll()`. Until then, the loaded nodes are unmeasured.
 */
const observers = new Set<ControlledResizeObserver>();
class ControlledResizeObserver {
  readonly elements = new Set<Element>();
  constructor(private readonly callback: ResizeObserverCallback) {
    observers.add(this);
  }
  observe(element: Element) {
    this.elements.add(element);
  }
  unobserve(element: Element) {
    this.elements.delete(element);
  }
  disconnect() {
    this.elements.clear();
  }
  report() {
    if (this.elements.size)
      this.callback(
        [...this.elements].map((target) => ({ target }) as ResizeObserverEntry),
        this as unknown as ResizeObserver,
      );
  }
}
const measureAll = () => act(() => observers.forEach((o) => o.report()));

const realResizeObserver = globalThis.ResizeObserver;
beforeAll(() => {
  globalThis.ResizeObserver = ControlledResizeObserver as unknown as typeof ResizeObserver;
  installFlowPolyfills();
  for (const [key, px] of [
    ['offsetWidth', 180],
    ['offsetHeight', 60],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => px });
  }
});
afterAll(() => {
  globalThis.ResizeObserver = realResizeObserver;
});
afterEach(cleanup);

const graph = (...ids: string[]): Node[] =>
  ids.map((id, i) => ({ id, position: { x: i * 250, y: 0 }, data: { label: id } }));

/** The canvas's arrangement in miniature: a store-like state with a load counter, React Flow, the hook. */
let loadGraph: (nodes: Node[]) => void = () => {};
function Canvas({ fit }: { fit: () => void }) {
  const [state, setState] = useState({ loadCount: 1, nodes: graph('in', 'vad', 'out') });
  loadGraph = (nodes) => setState((s) => ({ loadCount: s.loadCount + 1, nodes }));
  const onNodesChange = (changes: NodeChange[]) =>
    setState((s) => ({ ...s, nodes: applyNodeChanges(changes, s.nodes) }));
  useFitViewOnLoad(state.loadCount, state.nodes, fit);
  return (
    <div style={{ width: 1000, height: 600 }}>
      <ReactFlow nodes={state.nodes} edges={[]} onNodesChange={onNodesChange} />
    </div>
  );
}

describe('fit view on load', () => {
  it('fits once per loaded graph, only when that graph’s nodes are measured', () => {
    const fit = vi.fn();
    render(
      <ReactFlowProvider>
        <Canvas fit={fit} />
      </ReactFlowProvider>,
    );
    expect(fit).not.toHaveBeenCalled();
    measureAll();
    expect(fit).toHaveBeenCalledTimes(1);
    // Later measurements (a node grows, a status line changes) refit nothing.
    measureAll();
    expect(fit).toHaveBeenCalledTimes(1);

    // The race the old 50 ms timer lost: a new graph arrives while the previous
    // one's nodes are all measured. Nothing may fit until the new nodes are.
    act(() => loadGraph(graph('in', 'vad', 'stt', 'llm', 'tts', 'out')));
    expect(fit).toHaveBeenCalledTimes(1);
    measureAll();
    expect(fit).toHaveBeenCalledTimes(2);
    measureAll();
    expect(fit).toHaveBeenCalledTimes(2);
  });
});
