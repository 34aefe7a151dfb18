/** Transient UI state: toasts, which panels are open, dialogs. */

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { GraphSummary } from '#server/wire';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error' | 'warning';
  text: string;
}

export type RightTab = 'inspect' | 'talk' | 'versions';
export type BottomTab = 'problems' | 'latency' | 'tests';

export interface Conflict {
  currentRevision: string | null;
  message: string;
}

export interface UiState {
  toasts: Toast[];
  helpOpen: boolean;
  rightTab: RightTab;
  bottomTab: BottomTab;
  bottomOpen: boolean;
  conflict: Conflict | null;
  busy: null | 'saving' | 'deploying' | 'loading';
  /** Graphs on the server, for the picker. */
  graphs: GraphSummary[];
  /** Set when the server cannot be reached or the catalogue failed to load. */
  fatal: string | null;
  toast(kind: Toast['kind'], text: string, ms?: number): void;
  dismiss(id: number): void;
  set(partial: Partial<Omit<UiState, 'toast' | 'dismiss' | 'set'>>): void;
}

let nextId = 1;

export const uiStore = createStore<UiState>()((set, get) => ({
  toasts: [],
  helpOpen: false,
  rightTab: 'inspect',
  bottomTab: 'problems',
  bottomOpen: true,
  conflict: null,
  busy: null,
  graphs: [],
  fatal: null,
  toast(kind, text, ms = kind === 'error' ? 8000 : 4000) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), ms);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  set(partial) {
    set(partial);
  },
}));

export function useUi<T>(selector: (state: UiState) => T): T {
  return useStore(uiStore, selector);
}
