/**
 * Undo/redo over immutable snapshots. Snapshots share structure with the live
 * state (React Flow arrays are replaced, never mutated), so 100 steps of a
 * 150-node graph cost little.
 */
import type { GraphMeta } from '../graph/flowToGraph.ts';

export interface Snapshot<N, E> {
  nodes: N[];
  edges: E[];
  meta: GraphMeta;
}

/** Typing into one field within this window is one undo step. */
const COALESCE_MS = 1200;

export class History<N, E> {
  private past: Snapshot<N, E>[] = [];
  private future: Snapshot<N, E>[] = [];
  private lastKey: string | undefined;
  private lastAt = 0;

  constructor(
    private readonly limit: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Call with the state *before* an edit. */
  record(before: Snapshot<N, E>, coalesce?: string): void {
    const at = this.now();
    const merge =
      coalesce !== undefined && coalesce === this.lastKey && at - this.lastAt < COALESCE_MS;
    this.lastKey = coalesce;
    this.lastAt = at;
    this.future = [];
    if (merge) return;
    this.past.push(before);
    if (this.past.length > this.limit) this.past.shift();
  }

  undo(current: Snapshot<N, E>): Snapshot<N, E> | undefined {
    const previous = this.past.pop();
    if (!previous) return undefined;
    this.future.push(current);
    this.lastKey = undefined;
    return previous;
  }

  redo(current: Snapshot<N, E>): Snapshot<N, E> | undefined {
    const next = this.future.pop();
    if (!next) return undefined;
    this.past.push(current);
    this.lastKey = undefined;
    return next;
  }

  canUndo(): boolean {
    return this.past.length > 0;
  }

  canRedo(): boolean {
    return this.future.length > 0;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.lastKey = undefined;
  }
}
