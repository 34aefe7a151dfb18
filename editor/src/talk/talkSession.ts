/**
 * Talk to the current graph from the browser with the official Pipecat
 * client: mic capture, playback and RTVI events are the library's job. The
 * server does barge-in, so the mic simply stays open.
 */
import type { PipecatClient, RTVIMessage } from '@pipecat-ai/client-js';
import { api, wsUrl } from '../api/api.ts';
import { liveStore } from '../store/liveStore.ts';
import { talkStore } from '../store/talkStore.ts';
import { LiveChannel } from './LiveChannel.ts';

let client: PipecatClient | null = null;
let live: LiveChannel | null = null;

function errorText(message: RTVIMessage): { text: string; fatal: boolean } {
  const data = (message.data ?? {}) as { error?: unknown; message?: unknown; fatal?: unknown };
  const text =
    typeof data.error === 'string'
      ? data.error
      : typeof data.message === 'string'
        ? data.message
        : 'error';
  return { text, fatal: data.fatal === true };
}

/** The session id from bot-ready, or the newest session of this graph when the server does not say. */
async function resolveSessionId(
  graph: string,
  ready: unknown,
  startedAfter: number,
): Promise<string | null> {
  const data = (ready ?? {}) as {
    sessionId?: unknown;
    session_id?: unknown;
    about?: { sessionId?: unknown; session_id?: unknown };
  };
  const direct =
    data.sessionId ?? data.session_id ?? data.about?.sessionId ?? data.about?.session_id;
  if (typeof direct === 'string' && direct) return direct;
  try {
    const sessions = (await api.sessions()).filter((s) => s.graph === graph);
    sessions.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    const fresh =
      sessions.find((s) => Date.parse(s.startedAt) >= startedAfter - 5000) ?? sessions[0];
    return fresh?.id ?? null;
  } catch {
    return null;
  }
}

export function watchSession(sessionId: string): void {
  live?.close();
  live = new LiveChannel(sessionId);
}

export function stopWatching(): void {
  live?.close();
  live = null;
  liveStore.getState().reset('idle');
}

export async function startTalk(graph: string): Promise<void> {
  if (client) await stopTalk();
  const talk = talkStore.getState();
  talk.begin(graph);
  const startedAt = Date.now();
  // The Pipecat client is loaded on the first Talk: most editing sessions never need it.
  const [{ PipecatClient }, { WebSocketTransport, WavMediaManager }] = await Promise.all([
    import('@pipecat-ai/client-js'),
    import('@pipecat-ai/websocket-transport'),
  ]);
  const pc: PipecatClient = new PipecatClient({
    // WavMediaManager: plain getUserMedia (browser echo cancellation on) and an AudioWorklet
    // player. The default Daily manager fetches its engine from a CDN, which an offline
    // install cannot reach. 512-sample chunks at 16 kHz = 32 ms, the VAD's window.
    transport: new WebSocketTransport({
      mediaManager: new WavMediaManager(512, 16000),
      recorderSampleRate: 16000,
      playerSampleRate: 24000,
    }),
    enableMic: true,
    enableCam: false,
    callbacks: {
      onBotReady: (data) => {
        talkStore.getState().set({ state: 'connected' });
        void resolveSessionId(graph, data, startedAt).then((id) => {
          if (client !== pc) return;
          talkStore.getState().set({ sessionId: id });
          if (id) watchSession(id);
          else talkStore.getState().system('Live view unavailable: could not find the session id.');
        });
      },
      onUserTranscript: (data) => talkStore.getState().userTranscript(data.text, data.final),
      onBotOutput: (data) => talkStore.getState().botOutput(data.text),
      onUserStartedSpeaking: () => talkStore.getState().userStartedSpeaking(),
      onUserStoppedSpeaking: () => talkStore.getState().userStoppedSpeaking(),
      onBotStartedSpeaking: () => talkStore.getState().botStartedSpeaking(),
      onBotStoppedSpeaking: () => talkStore.getState().botStoppedSpeaking(),
      onLocalAudioLevel: (level) => talkStore.getState().set({ micLevel: level }),
      onError: (message) => {
        const { text, fatal } = errorText(message);
        talkStore.getState().system(`⚠ ${text}`);
        if (fatal) talkStore.getState().set({ state: 'error', error: text });
      },
      onDisconnected: () => {
        if (client !== pc) return;
        const state = talkStore.getState().state;
        talkStore.getState().set({ state: state === 'error' ? 'error' : 'idle' });
        talkStore.getState().system('Session ended.');
        client = null;
      },
    },
  });
  client = pc;
  try {
    await pc.connect({ wsUrl: wsUrl(`/ws/pipecat?graph=${encodeURIComponent(graph)}`) });
  } catch (error) {
    if (client !== pc) return;
    const text = error instanceof Error ? error.message : String(error);
    talkStore.getState().set({
      state: 'error',
      error: /permission|NotAllowed/i.test(text) ? 'Microphone permission denied.' : text,
    });
    client = null;
    try {
      await pc.disconnect();
    } catch {
      // already down
    }
  }
}

export async function stopTalk(): Promise<void> {
  const pc = client;
  client = null;
  live?.close();
  live = null;
  if (liveStore.getState().status !== 'idle')
    liveStore.setState({ status: 'ended', stats: {}, botSpeaking: false });
  talkStore.getState().set({ state: 'idle' });
  if (pc) {
    try {
      await pc.disconnect();
    } catch {
      // closing a dead socket
    }
  }
}

export function setMuted(muted: boolean): void {
  client?.enableMic(!muted);
  talkStore.getState().set({ muted });
}
