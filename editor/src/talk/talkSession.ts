/**
 * Talk to the current graph from the browser with the official Pipecat
 * client: over WebRTC by default (SmallWebRTCTransport, `/api/offer`), or the
 * `/ws/pipecat` WebSocket, chosen in the Talk panel; WebRTC that does not
 * connect falls back to the WebSocket. RTVI events are the library's job. The
 * server does barge-in, so the mic simply stays open.
 */
import type { PipecatClient, RTVIMessage } from '@pipecat-ai/client-js';
import { API_HEADERS, api, wsUrl } from '../api/api.ts';
import { liveStore } from '../store/liveStore.ts';
import { type TalkTransport, talkStore } from '../store/talkStore.ts';
import { uiStore } from '../store/uiStore.ts';
import { LiveChannel } from './LiveChannel.ts';
import { MicMediaManager } from './MicMediaManager.ts';

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

/** WebRTC that has not reached bot-ready by then falls back to the WebSocket. */
const WEBRTC_CONNECT_MS = 20_000;

let remoteAudio: HTMLAudioElement | null = null;

/** Bot audio over WebRTC is a remote track: the page plays it (the library does not). */
function playRemote(track: MediaStreamTrack | null): void {
  if (!track) {
    if (remoteAudio) remoteAudio.srcObject = null;
    return;
  }
  remoteAudio ??= new Audio();
  remoteAudio.autoplay = true;
  remoteAudio.srcObject = new MediaStream([track]);
  void remoteAudio.play().catch(() => {});
}

async function createTransport(kind: TalkTransport) {
  if (kind === 'webrtc') {
    const { SmallWebRTCTransport } = await import('@pipecat-ai/small-webrtc-transport');
    return new SmallWebRTCTransport({ mediaManager: new MicMediaManager() as never });
  }
  const { WebSocketTransport, WavMediaManager } = await import('@pipecat-ai/websocket-transport');
  // WavMediaManager: plain getUserMedia (browser echo cancellation on) and an AudioWorklet
  // player. The default Daily manager fetches its engine from a CDN, which an offline
  // install cannot reach. 512-sample chunks at 16 kHz = 32 ms, the VAD's window.
  return new WebSocketTransport({
    mediaManager: new WavMediaManager(512, 16000),
    recorderSampleRate: 16000,
    playerSampleRate: 24000,
  });
}

function connectParams(kind: TalkTransport, graph: string) {
  const query = `?graph=${encodeURIComponent(graph)}`;
  return kind === 'webrtc'
    ? // Same-origin: the PARLEY_TOKEN cookie goes along, as with the editor's /api calls.
      { webrtcRequestParams: { endpoint: `/api/offer${query}`, headers: new Headers(API_HEADERS) } }
    : { wsUrl: wsUrl(`/ws/pipecat${query}`) };
}

/** Connects over one transport; resolves with an error text, or null when connected or cancelled. */
async function connectOver(kind: TalkTransport, graph: string): Promise<string | null> {
  const startedAt = Date.now();
  // The Pipecat client is loaded on the first Talk: most editing sessions never need it.
  const [{ PipecatClient }, transport] = await Promise.all([
    import('@pipecat-ai/client-js'),
    createTransport(kind),
  ]);
  const pc: PipecatClient = new PipecatClient({
    transport,
    enableMic: true,
    enableCam: false,
    callbacks: {
      onBotReady: (data) => {
        talkStore.getState().set({ state: 'connected', via: kind });
        void resolveSessionId(graph, data, startedAt).then((id) => {
          if (client !== pc) return;
          talkStore.getState().set({ sessionId: id });
          if (id) watchSession(id);
          else talkStore.getState().system('Live view unavailable: could not find the session id.');
        });
      },
      onTrackStarted: (track, participant) => {
        if (kind === 'webrtc' && track.kind === 'audio' && !participant?.local) playRemote(track);
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
        // A failed connect disconnects too: startTalk handles that (fallback or error).
        if (client !== pc || talkStore.getState().state === 'connecting') return;
        const state = talkStore.getState().state;
        talkStore.getState().set({ state: state === 'error' ? 'error' : 'idle' });
        talkStore.getState().system('Session ended.');
        client = null;
        playRemote(null);
      },
    },
  });
  client = pc;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const connecting = pc.connect(connectParams(kind, graph) as never);
    await (kind === 'webrtc'
      ? Promise.race([
          connecting,
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer in ${WEBRTC_CONNECT_MS / 1000} s`)),
              WEBRTC_CONNECT_MS,
            );
          }),
        ])
      : connecting);
    return null;
  } catch (error) {
    if (client !== pc) return null;
    client = null;
    try {
      await pc.disconnect();
    } catch {
      // already down
    }
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export async function startTalk(graph: string): Promise<void> {
  if (client) await stopTalk();
  const talk = talkStore.getState();
  talk.begin(graph);
  let error = await connectOver(talk.transport, graph);
  const denied = (text: string) => /permission|NotAllowed/i.test(text);
  if (error && talk.transport === 'webrtc' && !denied(error)) {
    if (talkStore.getState().state !== 'connecting') return;
    const note = `WebRTC did not connect (${error}): falling back to WebSocket.`;
    talkStore.getState().system(note);
    uiStore.getState().toast('warning', note);
    error = await connectOver('websocket', graph);
  }
  if (error && talkStore.getState().state === 'connecting')
    talkStore.getState().set({
      state: 'error',
      error: denied(error) ? 'Microphone permission denied.' : error,
    });
}

export async function stopTalk(): Promise<void> {
  const pc = client;
  client = null;
  live?.close();
  live = null;
  if (liveStore.getState().status !== 'idle')
    liveStore.setState({ status: 'ended', stats: {}, botSpeaking: false });
  talkStore.getState().set({ state: 'idle' });
  playRemote(null);
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
