/**
 * The official Pipecat JS client (@pipecat-ai/client-js +
 * @pipecat-ai/websocket-transport) running in Node: a WebSocket global that
 * behaves like the browser's (binary messages as Blob), and a media manager
 * that feeds PCM instead of a microphone and records bot audio instead of
 * playing it.
 */
import {
  LogLevel,
  logger,
  PipecatClient,
  type RTVIEventCallbacks,
  type Tracks,
  type TranscriptData,
} from '@pipecat-ai/client-js';
import { WavMediaManager, WebSocketTransport } from '@pipecat-ai/websocket-transport';
import { WebSocket as NodeWebSocket } from 'ws';

class BrowserLikeWebSocket extends NodeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    // ws supports 'blob' since 8.18 though its types lag behind; the transport's deserializer requires Blobs.
    (this as { binaryType: string }).binaryType = 'blob';
  }
}

export function installWebSocketGlobal(): void {
  const g = globalThis as { WebSocket?: unknown; window?: unknown };
  if (!g.WebSocket) g.WebSocket = BrowserLikeWebSocket;
  // The client reads `window?.navigator` to describe itself; in Node the global object stands in.
  g.window ??= globalThis;
  logger.setLevel(LogLevel.NONE);
}

export interface ReceivedAudio {
  at: number;
  samples: Int16Array;
}

/** A microphone that plays back PCM we give it; a speaker that records. */
export class FakeMediaManager extends WavMediaManager {
  readonly botAudio: ReceivedAudio[] = [];
  private micOn = true;

  constructor() {
    super(undefined, 16000);
  }

  /** Sends PCM (16 kHz mono) as the client's recorder would: 20 ms chunks, in real time when `paced`. */
  async speak(samples: Int16Array, paced = true): Promise<void> {
    const chunk = 320;
    for (let offset = 0; offset < samples.length; offset += chunk) {
      const part = samples.slice(offset, offset + chunk);
      if (this.micOn) this._userAudioCallback(part.buffer);
      if (paced) await new Promise((r) => setTimeout(r, 20));
    }
  }

  get botSamples(): number {
    return this.botAudio.reduce((n, a) => n + a.samples.length, 0);
  }

  override async initialize(): Promise<void> {}
  override async connect(): Promise<void> {}
  override async disconnect(): Promise<void> {}
  override async userStartedSpeaking(): Promise<unknown> {
    return undefined;
  }
  override bufferBotAudio(data: ArrayBuffer | Int16Array): Int16Array {
    const samples = data instanceof Int16Array ? data : new Int16Array(data);
    this.botAudio.push({ at: Date.now(), samples });
    return samples;
  }
  override async getAllMics(): Promise<MediaDeviceInfo[]> {
    return [];
  }
  override async getAllCams(): Promise<MediaDeviceInfo[]> {
    return [];
  }
  override async getAllSpeakers(): Promise<MediaDeviceInfo[]> {
    return [];
  }
  override async updateMic(): Promise<void> {}
  override updateCam(): void {}
  override updateSpeaker(): void {}
  override get selectedMic(): Record<string, never> {
    return {};
  }
  override get selectedCam(): Record<string, never> {
    return {};
  }
  override get selectedSpeaker(): Record<string, never> {
    return {};
  }
  override async enableMic(enable: boolean): Promise<void> {
    this.micOn = enable;
  }
  override enableCam(): void {}
  override enableScreenShare(): void {}
  override get isCamEnabled(): boolean {
    return false;
  }
  override get isMicEnabled(): boolean {
    return this.micOn;
  }
  override get isSharingScreen(): boolean {
    return false;
  }
  override tracks(): Tracks {
    return { local: {} };
  }
}

export interface ClientEvents {
  log: Array<{ at: number; type: string; data?: unknown }>;
  transcripts: TranscriptData[];
  errors: unknown[];
}

export function createPipecatTestClient(): {
  client: PipecatClient;
  media: FakeMediaManager;
  events: ClientEvents;
} {
  installWebSocketGlobal();
  const media = new FakeMediaManager();
  const events: ClientEvents = { log: [], transcripts: [], errors: [] };
  const note = (type: string) => (data?: unknown) =>
    events.log.push({ at: Date.now(), type, data });
  const callbacks: RTVIEventCallbacks = {
    onBotReady: note('bot-ready'),
    onUserStartedSpeaking: note('user-started-speaking'),
    onUserStoppedSpeaking: note('user-stopped-speaking'),
    onBotStartedSpeaking: note('bot-started-speaking'),
    onBotStoppedSpeaking: note('bot-stopped-speaking'),
    onUserTranscript: (data) => {
      events.transcripts.push(data);
      note('user-transcription')(data);
    },
    onBotOutput: note('bot-output'),
    onBotLlmText: note('bot-llm-text'),
    onBotLlmStarted: note('bot-llm-started'),
    onBotLlmStopped: note('bot-llm-stopped'),
    onBotTtsText: note('bot-tts-text'),
    onBotTtsStarted: note('bot-tts-started'),
    onBotTtsStopped: note('bot-tts-stopped'),
    onMetrics: note('metrics'),
    onServerMessage: note('server-message'),
    onMessageError: note('error-response'),
    onError: (message) => {
      events.errors.push(message);
      note('error')(message);
    },
  };
  const transport = new WebSocketTransport({ mediaManager: media });
  const client = new PipecatClient({ transport, enableMic: true, enableCam: false, callbacks });
  return { client, media, events };
}

export function countEvents(events: ClientEvents, type: string): number {
  return events.log.filter((e) => e.type === type).length;
}
