/**
 * A minimal third-party browser app on Parley: the official Pipecat client
 * (`@pipecat-ai/client-js`) over `@pipecat-ai/small-webrtc-transport`,
 * connecting to `/api/offer?graph=NAME` of the server it is served from. It
 * records what the test asserts on in `window.__pipecatPage` (record.ts):
 * bot-ready, transcripts, speaking events, every RTVI message on the "chat"
 * data channel, and the loudness of the bot's remote track and of the mic,
 * measured with WebAudio AnalyserNodes.
 *
 * The media manager is the transport's own WavMediaManager: the default
 * (DailyMediaManager) loads Daily's call machine from a CDN, which an offline
 * machine cannot reach.
 */
import { PipecatClient } from '@pipecat-ai/client-js';
import { SmallWebRTCTransport, WavMediaManager } from '@pipecat-ai/small-webrtc-transport';
import type { PageRecord, PageWindow } from './record.ts';

const now = () => performance.timeOrigin + performance.now();
const record: PageRecord = {
  micStartedAt: null,
  connectStartedAt: null,
  botReadyAt: null,
  rtvi: [],
  callbacks: [],
  bot: { at: [], rms: [] },
  mic: { at: [], rms: [] },
  botTrack: null,
  errors: [],
  state: 'loading',
};
(window as unknown as PageWindow).__pipecatPage = record;

const stateEl = document.getElementById('state');
const logEl = document.getElementById('log');
function note(name: string, extra: { text?: string; final?: boolean } = {}): void {
  record.callbacks.push({ at: now(), name, ...extra });
  if (logEl) logEl.textContent += `${name}${extra.text ? `: ${extra.text}` : ''}\n`;
}
function setState(state: string): void {
  record.state = state;
  if (stateEl) stateEl.textContent = state;
}

// Observation only: when the mic opened, and the raw RTVI on the "chat" channel.
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await getUserMedia(constraints);
  record.micStartedAt ??= now();
  return stream;
};
const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
RTCPeerConnection.prototype.createDataChannel = function (label, init) {
  const channel = createDataChannel.call(this, label, init);
  channel.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string' || event.data.startsWith('ping')) return;
    try {
      const message = JSON.parse(event.data) as { type?: unknown; data?: unknown };
      record.rtvi.push({ at: now(), type: String(message.type), data: message.data });
    } catch {
      record.rtvi.push({ at: now(), type: '(not JSON)' });
    }
  });
  return channel;
};

const audioContext = new AudioContext();
const players: HTMLAudioElement[] = [];
const metered = new Set<string>();

/** Samples the track's RMS every 10 ms into `into`. */
function meter(track: MediaStreamTrack, into: { at: number[]; rms: number[] }): void {
  const stream = new MediaStream([track]);
  // Chromium delivers a remote WebRTC track to WebAudio only while a media element plays it.
  const player = new Audio();
  player.muted = true;
  player.srcObject = stream;
  players.push(player);
  player.play().catch((e: unknown) => record.errors.push(`play: ${String(e)}`));
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 512;
  audioContext.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    into.at.push(now());
    into.rms.push(Math.sqrt(sum / samples.length));
  }, 10);
}

const params = new URLSearchParams(location.search);
const graph = params.get('graph') ?? 'voice-agent';

const client = new PipecatClient({
  transport: new SmallWebRTCTransport({ mediaManager: new WavMediaManager() }),
  enableMic: true,
  enableCam: false,
  callbacks: {
    onConnected: () => note('connected'),
    onBotReady: () => {
      record.botReadyAt = now();
      note('bot-ready');
      setState('ready');
    },
    onTrackStarted: (track, participant) => {
      note(`track-started ${track.kind}${participant?.local ? ' local' : ''}`);
      if (track.kind !== 'audio' || metered.has(track.id)) return;
      metered.add(track.id);
      if (participant?.local) return meter(track, record.mic);
      record.botTrack = { id: track.id, at: now(), audioContext: audioContext.state };
      meter(track, record.bot);
    },
    onUserStartedSpeaking: () => note('user-started-speaking'),
    onUserStoppedSpeaking: () => note('user-stopped-speaking'),
    onUserTranscript: (data) => note('user-transcript', { text: data.text, final: data.final }),
    onBotStartedSpeaking: () => note('bot-started-speaking'),
    onBotStoppedSpeaking: () => note('bot-stopped-speaking'),
    onBotOutput: (data) => note('bot-output', { text: data.text }),
    onError: (message) => record.errors.push(`rtvi error: ${JSON.stringify(message.data)}`),
    onDisconnected: () => {
      note('disconnected');
      setState('disconnected');
    },
  },
});

async function start(): Promise<void> {
  setState('connecting');
  await audioContext.resume();
  record.connectStartedAt = now();
  await client.connect({
    webrtcRequestParams: { endpoint: `/api/offer?graph=${encodeURIComponent(graph)}` },
  });
}

start().catch((e: unknown) => {
  record.errors.push(`connect: ${e instanceof Error ? e.message : String(e)}`);
  setState('failed');
});

Object.assign(window, { pipecatClient: client });
