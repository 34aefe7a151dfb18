/**
 * What a live session reports: per-node rates, per-turn latency, errors and
 * hot-reload outcomes. Kept apart from the editor store so a 4 Hz stats tick
 * re-renders only the small components that subscribe to one node's numbers.
 */

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { NodeChange, TurnRecord } from '#engine/browser';
import type { LiveMessage, LiveStats, NodeLiveStats } from '#server/wire';

export type { TurnRecord };

/** A node's counters from the last tick, with its latest time to first byte if it measures one. */
export type NodeLive = NodeLiveStats & { ttfbMs?: number };

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'ended';

export interface LiveState {
  sessionId: string | null;
  status: LiveStatus;
  stats: Record<string, NodeLive>;
  botSpeaking: boolean;
  turns: TurnRecord[];
  nodeErrors: Record<string, string>;
  /** Per-node result of the last deploy, shown as chips on the nodes. */
  outcomes: Record<string, NodeChange>;
  /** Turn shown in the waterfall; null follows the newest. */
  selectedTurn: number | null;

  reset(status?: LiveStatus, sessionId?: string | null): void;
  applyMessage(message: LiveMessage): void;
  setOutcomes(changes: NodeChange[]): void;
  clearOutcomes(): void;
  selectTurn(turn: number | null): void;
}

/** Per node: its counters and its TTFB, which the server sends apart (not every node has one). */
function nodeStats({ nodes, ttfbMs }: LiveStats): Record<string, NodeLive> {
  const out: Record<string, NodeLive> = {};
  for (const [id, counters] of Object.entries(nodes)) {
    const ttfb = ttfbMs[id];
    out[id] = ttfb === undefined ? { ...counters } : { ...counters, ttfbMs: ttfb };
  }
  for (const [id, ttfb] of Object.entries(ttfbMs)) {
    out[id] ??= { framesInPerSec: 0, framesOutPerSec: 0, queueDepth: 0, errors: 0, ttfbMs: ttfb };
  }
  return out;
}

const MAX_TURNS = 200;

export function createLiveStore() {
  return createStore<LiveState>()((set, get) => ({
    sessionId: null,
    status: 'idle',
    stats: {},
    botSpeaking: false,
    turns: [],
    nodeErrors: {},
    outcomes: {},
    selectedTurn: null,

    reset(status = 'idle', sessionId = null) {
      set({
        status,
        sessionId,
        stats: {},
        botSpeaking: false,
        turns: [],
        nodeErrors: {},
        selectedTurn: null,
      });
    },

    applyMessage(message) {
      switch (message.type) {
        case 'hello':
          set({ status: 'live' });
          return;
        case 'stats':
          set({ stats: nodeStats(message), botSpeaking: message.botSpeaking, status: 'live' });
          return;
        case 'turn': {
          const { record } = message;
          // A turn can be reported again when a late hop (or the interruption) arrives.
          const turns = get().turns.filter((t) => t.turn !== record.turn);
          turns.push(record);
          turns.sort((a, b) => a.turn - b.turn);
          set({ turns: turns.slice(-MAX_TURNS) });
          return;
        }
        case 'node.error':
          set({ nodeErrors: { ...get().nodeErrors, [message.nodeId]: message.message } });
          return;
        case 'reload':
          get().setOutcomes(message.nodes);
          return;
        case 'ended':
          set({ status: 'ended', botSpeaking: false, stats: {} });
          return;
      }
    },

    setOutcomes(changes) {
      const outcomes: Record<string, NodeChange> = {};
      for (const change of changes)
        if (change.outcome !== 'unchanged') outcomes[change.nodeId] = change;
      set({ outcomes });
    },

    clearOutcomes() {
      set({ outcomes: {} });
    },

    selectTurn(turn) {
      set({ selectedTurn: turn });
    },
  }));
}

export const liveStore = createLiveStore();

export function useLive<T>(selector: (state: LiveState) => T): T {
  return useStore(liveStore, selector);
}
