/**
 * What a live session reports: per-node rates, per-turn latency, errors and
 * hot-reload outcomes. Kept apart from the editor store so a 4 Hz stats tick
 * re-renders only the small components that subscribe to one node's numbers.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { TurnRecord } from '../../../engine/metrics/TurnRecord.ts';
import type { NodeChange } from '../api/apiTypes.ts';

export type { TurnRecord };

export interface NodeLive {
  inPerSec: number;
  outPerSec: number;
  queueDepth: number;
  errors: number;
  ttfbMs?: number;
}

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
  applyMessage(message: unknown): void;
  setOutcomes(changes: NodeChange[]): void;
  clearOutcomes(): void;
  selectTurn(turn: number | null): void;
}

type Json = Record<string, unknown>;

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Accepts both spellings of per-node stats (`inPerSec` and the server's `framesInPerSec`). */
function normaliseStats(nodes: unknown, ttfb: unknown): Record<string, NodeLive> {
  const out: Record<string, NodeLive> = {};
  const ttfbMap = (ttfb && typeof ttfb === 'object' ? ttfb : {}) as Record<string, unknown>;
  for (const [id, raw] of Object.entries((nodes && typeof nodes === 'object' ? nodes : {}) as Record<string, Json>)) {
    const ttfbMs = num(raw.ttfbMs) ?? num(ttfbMap[id]);
    out[id] = {
      inPerSec: num(raw.inPerSec) ?? num(raw.framesInPerSec) ?? 0,
      outPerSec: num(raw.outPerSec) ?? num(raw.framesOutPerSec) ?? 0,
      queueDepth: num(raw.queueDepth) ?? 0,
      errors: num(raw.errors) ?? 0,
      ...(ttfbMs !== undefined ? { ttfbMs } : {}),
    };
  }
  for (const [id, value] of Object.entries(ttfbMap)) {
    if (!out[id] && num(value) !== undefined) out[id] = { inPerSec: 0, outPerSec: 0, queueDepth: 0, errors: 0, ttfbMs: num(value) };
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
      set({ status, sessionId, stats: {}, botSpeaking: false, turns: [], nodeErrors: {}, selectedTurn: null });
    },

    applyMessage(message) {
      if (!message || typeof message !== 'object') return;
      const m = message as Json;
      switch (m.type) {
        case 'hello':
          set({ status: 'live' });
          return;
        case 'stats':
          set({ stats: normaliseStats(m.nodes, m.ttfbMs), botSpeaking: m.botSpeaking === true, status: 'live' });
          return;
        case 'turn': {
          const record = (m.record ?? m.turn) as TurnRecord | undefined;
          if (!record || typeof record.turn !== 'number') return;
          // A turn can be reported again when a late hop (or the interruption) arrives.
          const turns = get().turns.filter((t) => t.turn !== record.turn);
          turns.push(record);
          turns.sort((a, b) => a.turn - b.turn);
          set({ turns: turns.slice(-MAX_TURNS) });
          return;
        }
        case 'node.error':
        case 'error': {
          const nodeId = typeof m.nodeId === 'string' ? m.nodeId : undefined;
          const text = typeof m.message === 'string' ? m.message : typeof m.error === 'string' ? m.error : 'error';
          if (nodeId) set({ nodeErrors: { ...get().nodeErrors, [nodeId]: text } });
          return;
        }
        case 'reload':
          if (Array.isArray(m.nodes)) get().setOutcomes(m.nodes as NodeChange[]);
          return;
        case 'ended':
          set({ status: 'ended', botSpeaking: false, stats: {} });
          return;
      }
    },

    setOutcomes(changes) {
      const outcomes: Record<string, NodeChange> = {};
      for (const change of changes) if (change.outcome !== 'unchanged') outcomes[change.nodeId] = change;
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
