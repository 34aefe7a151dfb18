/** The Talk session as the user sees it: connection state, mute, transcript. */

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export interface TranscriptLine {
  id: number;
  role: 'user' | 'bot' | 'system';
  text: string;
  /** User lines: the STT's final text. Bot lines: the bot finished (or was cut off). */
  final: boolean;
  /** Bot line cut short by the user barging in. */
  interrupted?: boolean;
}

export type TalkState = 'idle' | 'connecting' | 'connected' | 'error';

/** How Talk reaches the server: WebRTC (`/api/offer`, Opus media) or the `/ws/pipecat` socket. */
export type TalkTransport = 'webrtc' | 'websocket';

const TRANSPORT_KEY = 'parley.talkTransport';

function savedTransport(): TalkTransport {
  try {
    return globalThis.localStorage?.getItem(TRANSPORT_KEY) === 'websocket' ? 'websocket' : 'webrtc';
  } catch {
    return 'webrtc';
  }
}

export interface TalkStoreState {
  state: TalkState;
  graph: string | null;
  sessionId: string | null;
  muted: boolean;
  userSpeaking: boolean;
  botSpeaking: boolean;
  micLevel: number;
  error: string | null;
  transcript: TranscriptLine[];
  /** The user's choice, remembered in localStorage. */
  transport: TalkTransport;
  /** What the current session actually uses (WebRTC can fall back to WebSocket). */
  via: TalkTransport | null;

  begin(graph: string): void;
  set(
    partial: Partial<
      Pick<TalkStoreState, 'state' | 'sessionId' | 'muted' | 'error' | 'micLevel' | 'graph' | 'via'>
    >,
  ): void;
  setTransport(transport: TalkTransport): void;
  userTranscript(text: string, final: boolean): void;
  botOutput(text: string): void;
  userStartedSpeaking(): void;
  userStoppedSpeaking(): void;
  botStartedSpeaking(): void;
  botStoppedSpeaking(): void;
  system(text: string): void;
}

let nextLine = 1;
const MAX_LINES = 500;

export function createTalkStore() {
  return createStore<TalkStoreState>()((set, get) => {
    const lines = () => get().transcript;
    const replaceLast = (line: TranscriptLine) =>
      set({ transcript: [...lines().slice(0, -1), line] });
    const push = (line: Omit<TranscriptLine, 'id'>) =>
      set({ transcript: [...lines().slice(-MAX_LINES + 1), { ...line, id: nextLine++ }] });
    /** The open (not final) line of a role, if it is the newest line of that role. */
    const openLine = (role: TranscriptLine['role']) => {
      const last = lines().at(-1);
      return last && last.role === role && !last.final ? last : undefined;
    };
    const closeBot = (interrupted: boolean) => {
      const all = lines();
      const index = all.findLastIndex((l) => l.role === 'bot');
      if (index < 0 || all[index].final) return;
      const next = [...all];
      next[index] = { ...all[index], final: true, ...(interrupted ? { interrupted: true } : {}) };
      set({ transcript: next });
    };

    return {
      state: 'idle',
      graph: null,
      sessionId: null,
      muted: false,
      userSpeaking: false,
      botSpeaking: false,
      micLevel: 0,
      error: null,
      transcript: [],
      transport: savedTransport(),
      via: null,

      begin(graph) {
        set({
          state: 'connecting',
          graph,
          sessionId: null,
          muted: false,
          error: null,
          transcript: [],
          userSpeaking: false,
          botSpeaking: false,
          via: null,
        });
      },
      set(partial) {
        set(partial);
      },
      setTransport(transport) {
        set({ transport });
        try {
          globalThis.localStorage?.setItem(TRANSPORT_KEY, transport);
        } catch {
          // private mode: remembered for this tab only
        }
      },
      userTranscript(text, final) {
        if (!text.trim()) return;
        const open = openLine('user');
        if (open) replaceLast({ ...open, text, final });
        else push({ role: 'user', text, final });
      },
      botOutput(text) {
        if (!text.trim()) return;
        // Bot sentences arrive one by one while it speaks: they belong to one line.
        const all = lines();
        const index = all.findLastIndex((l) => l.role === 'bot' && !l.final);
        if (index >= 0) {
          const next = [...all];
          next[index] = { ...all[index], text: `${all[index].text} ${text}`.trim() };
          set({ transcript: next });
        } else push({ role: 'bot', text, final: false });
      },
      userStartedSpeaking() {
        // Speaking over the bot is a barge-in: the server stops it, we mark the line.
        if (get().botSpeaking) closeBot(true);
        set({ userSpeaking: true });
      },
      userStoppedSpeaking() {
        set({ userSpeaking: false });
      },
      botStartedSpeaking() {
        set({ botSpeaking: true });
      },
      botStoppedSpeaking() {
        set({ botSpeaking: false });
        closeBot(false);
      },
      system(text) {
        push({ role: 'system', text, final: true });
      },
    };
  });
}

export const talkStore = createTalkStore();

export function useTalk<T>(selector: (state: TalkStoreState) => T): T {
  return useStore(talkStore, selector);
}
