import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { tone } from './FakeOpenAI.ts';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';

/** The path the SDK dials for the Gemini API (v1beta). */
export const LIVE_PATH =
  '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

/** One scripted model turn. Unscripted: a short spoken "OK." */
export interface GeminiTurnScript {
  /** The input transcription the server sends for the user's speech (in two pieces). */
  heard?: string;
  /** What the bot says: `audioMs` of 24 kHz tone with this output transcription. */
  say?: string;
  audioMs?: number;
  /** Audio per message (ms). */
  chunkMs?: number;
  /** Wait between audio messages (ms), so a test can barge in mid-reply. */
  chunkDelayMs?: number;
  /** Function calls sent after `say` is spoken; the next script answers the tool response. */
  toolCalls?: Array<{ id: string; name: string; args: Record<string, unknown> }>;
  /** Fault: the socket dies after this much of the audio (ms). */
  dropAfterMs?: number;
}

type Message = Record<string, unknown>;

/** One client connection as the fake saw it. */
export interface GeminiLiveSession {
  socket: WebSocket;
  key: string | null;
  path: string;
  /** The `setup` message. */
  setup: Message | undefined;
  /** Every client message but audio, parsed, in order. */
  messages: Message[];
  /** 16 kHz samples received through `realtimeInput.audio`. */
  audioSamples: number;
  audioMimeTypes: Set<string>;
  /** What this session (and the ones it resumes) has heard: the server-side conversation. */
  history: string[];
  closed: boolean;
}

/** Mean absolute amplitude above which input counts as speech. */
const SPEECH_LEVEL = 500;
/** Silence after speech that ends the user's turn (ms of audio), as the server VAD would. */
const END_OF_TURN_MS = 300;

/**
 * A local stand-in for the Gemini Live API (BidiGenerateContent) over plain
 * ws, on the path the SDK dials: `setupComplete` for `setup`, its own VAD on
 * `realtimeInput.audio` (speech, then silence ends the turn; speech during a
 * reply interrupts it: `interrupted`, then `turnComplete`), scripted turns as
 * `inputTranscription`, `modelTurn` audio (24 kHz base64 PCM),
 * `outputTranscription`, `generationComplete`, `turnComplete` and
 * `usageMetadata`; `toolCall` answered by `toolResponse`; resumption handles
 * after setup and every turn, and a resumed session keeps its history;
 * `goAway` and dropped sockets on demand. A wrong key is accepted at the
 * upgrade and closed with 1007 after `setup`, as the real server does.
 */
export class FakeGeminiLive {
  readonly sessions: GeminiLiveSession[] = [];
  readonly turns: GeminiTurnScript[];
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly histories = new Map<string, string[]>();
  private handles = 0;
  private readonly vad = new Map<GeminiLiveSession, { speaking: boolean; silentMs: number }>();
  private readonly replying = new Map<GeminiLiveSession, { cancelled: boolean }>();

  constructor(private readonly options: { apiKey: string; turns?: GeminiTurnScript[] }) {
    this.turns = [...(options.turns ?? [])];
    this.server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      // Not `new URL(req.url, base)`: the SDK's URL has `//ws/…`, which would parse as a host.
      const [rawPath = '', query = ''] = (req.url ?? '/').split('?');
      const path = rawPath.replace(/\/{2,}/g, '/');
      if (path !== LIVE_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.accept(ws, new URLSearchParams(query).get('key'), req.url ?? ''),
      );
    });
  }

  /** Starts listening; returns the API base URL (`http://127.0.0.1:port`). */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await closeServer(this.server);
  }

  messagesWith(session: GeminiLiveSession, key: string): Message[] {
    return session.messages.filter((m) => key in m);
  }

  /** The server is going away: the client should resume elsewhere. */
  goAway(session: GeminiLiveSession, timeLeft = '10s'): void {
    this.send(session, { goAway: { timeLeft } });
  }

  /** The server takes back function calls it sent (the user spoke again before they were answered). */
  cancelToolCalls(session: GeminiLiveSession, ids: string[]): void {
    this.send(session, { toolCallCancellation: { ids } });
  }

  /** Fault: a frame that is not a server message (garbage from the server or a proxy). */
  sendRaw(session: GeminiLiveSession, data: string | Buffer): void {
    session.socket.send(data);
  }

  /** Fault: the connection dies without a close handshake. */
  drop(session: GeminiLiveSession): void {
    session.socket.terminate();
  }

  private accept(ws: WebSocket, key: string | null, path: string): void {
    const session: GeminiLiveSession = {
      socket: ws,
      key,
      path,
      setup: undefined,
      messages: [],
      audioSamples: 0,
      audioMimeTypes: new Set(),
      history: [],
      closed: false,
    };
    this.sessions.push(session);
    this.vad.set(session, { speaking: false, silentMs: 0 });
    ws.on('close', () => {
      session.closed = true;
      const reply = this.replying.get(session);
      if (reply) reply.cancelled = true;
    });
    // The SDK sends JSON as text; binary frames holding JSON are accepted as well.
    ws.on('message', (data) => this.onMessage(session, JSON.parse(data.toString()) as Message));
  }

  private onMessage(session: GeminiLiveSession, message: Message): void {
    const input = message.realtimeInput as Message | undefined;
    const audio = input?.audio as { data: string; mimeType: string } | undefined;
    if (audio) {
      session.audioMimeTypes.add(audio.mimeType);
      this.hear(session, Buffer.from(audio.data, 'base64'));
      return;
    }
    session.messages.push(message);
    if (message.setup) this.onSetup(session, message.setup as Message);
    else if (input?.activityStart)
      this.interrupt(session); // START_OF_ACTIVITY_INTERRUPTS
    else if (input?.activityEnd) void this.endOfTurn(session);
    else if (message.clientContent) {
      const content = message.clientContent as { turns?: Message[]; turnComplete?: boolean };
      for (const turn of content.turns ?? []) session.history.push(JSON.stringify(turn));
      if (content.turnComplete) void this.reply(session);
    } else if (message.toolResponse) {
      session.history.push(JSON.stringify(message.toolResponse));
      void this.reply(session);
    }
  }

  private onSetup(session: GeminiLiveSession, setup: Message): void {
    session.setup = setup;
    if (session.key !== this.options.apiKey) {
      session.socket.close(1007, 'API key not valid. Please pass a valid API key.');
      return;
    }
    const handle = (setup.sessionResumption as { handle?: string } | undefined)?.handle;
    if (handle !== undefined) {
      const history = this.histories.get(handle);
      if (!history) {
        session.socket.close(1008, 'Session resumption handle not found');
        return;
      }
      session.history.push(...history);
    }
    this.send(session, { setupComplete: {} });
    if (setup.sessionResumption) this.newHandle(session);
  }

  private newHandle(session: GeminiLiveSession): void {
    const handle = `handle-${++this.handles}`;
    this.histories.set(handle, [...session.history]);
    this.send(session, { sessionResumptionUpdate: { newHandle: handle, resumable: true } });
  }

  /** A tiny server VAD: speech starts a turn (or interrupts a reply), silence after it ends it. */
  private hear(session: GeminiLiveSession, bytes: Buffer): void {
    const samples = bytes.length >> 1;
    session.audioSamples += samples;
    let sum = 0;
    for (let i = 0; i < samples; i++) sum += Math.abs(bytes.readInt16LE(2 * i));
    // With automatic activity detection off, the client's activityStart/End mark the turns.
    if (clientMarksTurns(session.setup)) return;
    const speech = samples > 0 && sum / samples > SPEECH_LEVEL;
    const vad = this.vad.get(session)!;
    if (speech) {
      vad.silentMs = 0;
      if (!vad.speaking) {
        vad.speaking = true;
        this.interrupt(session);
      }
      return;
    }
    if (!vad.speaking) return;
    vad.silentMs += (samples / 16000) * 1000;
    if (vad.silentMs >= END_OF_TURN_MS) void this.endOfTurn(session);
  }

  private interrupt(session: GeminiLiveSession): void {
    const reply = this.replying.get(session);
    if (!reply || reply.cancelled) return;
    reply.cancelled = true;
    this.replying.delete(session);
    this.send(session, { serverContent: { interrupted: true } });
    this.send(session, { serverContent: { turnComplete: true } });
  }

  private async endOfTurn(session: GeminiLiveSession): Promise<void> {
    const vad = this.vad.get(session)!;
    vad.speaking = false;
    vad.silentMs = 0;
    await this.reply(session);
  }

  private async reply(session: GeminiLiveSession): Promise<void> {
    const script = this.turns.shift() ?? { say: 'OK.' };
    const state = { cancelled: false };
    this.replying.set(session, state);
    if (script.heard) {
      session.history.push(`user: ${script.heard}`);
      const half = Math.ceil(script.heard.length / 2);
      this.send(session, {
        serverContent: { inputTranscription: { text: script.heard.slice(0, half) } },
      });
      this.send(session, {
        serverContent: { inputTranscription: { text: script.heard.slice(half) } },
      });
    }
    if (script.say) await this.speak(session, script, state);
    if (state.cancelled || session.closed) return;
    if (script.toolCalls) {
      this.replying.delete(session);
      this.send(session, { toolCall: { functionCalls: script.toolCalls } });
      return;
    }
    this.replying.delete(session);
    this.send(session, { serverContent: { generationComplete: true } });
    this.send(session, {
      usageMetadata: {
        promptTokenCount: 100,
        responseTokenCount: 40,
        totalTokenCount: 140,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 30 },
          { modality: 'AUDIO', tokenCount: 70 },
        ],
        responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 40 }],
      },
    });
    this.send(session, { serverContent: { turnComplete: true } });
    if (session.setup?.sessionResumption) this.newHandle(session);
  }

  /** Streams the audio with the transcript spread over it, word by word. */
  private async speak(
    session: GeminiLiveSession,
    script: GeminiTurnScript,
    state: { cancelled: boolean },
  ): Promise<void> {
    const say = script.say ?? '';
    session.history.push(`model: ${say}`);
    const audioMs = script.audioMs ?? 200;
    const chunkMs = script.chunkMs ?? 100;
    const chunks = Math.max(1, Math.ceil(audioMs / chunkMs));
    const words = say.split(/(?<= )/);
    let sentMs = 0;
    for (let i = 0; i < chunks; i++) {
      if (state.cancelled || session.closed) return;
      if (script.dropAfterMs !== undefined && sentMs >= script.dropAfterMs) {
        this.drop(session);
        return;
      }
      const ms = Math.min(chunkMs, audioMs - sentMs);
      sentMs += ms;
      const pcm = tone(ms, 24000);
      const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
      this.send(session, {
        serverContent: {
          modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] },
        },
      });
      const text = words
        .slice(
          Math.floor((i * words.length) / chunks),
          Math.floor(((i + 1) * words.length) / chunks),
        )
        .join('');
      if (text) this.send(session, { serverContent: { outputTranscription: { text } } });
      if (script.chunkDelayMs) await new Promise((r) => setTimeout(r, script.chunkDelayMs));
    }
  }

  private send(session: GeminiLiveSession, message: Message): void {
    if (session.socket.readyState === session.socket.OPEN)
      session.socket.send(JSON.stringify(message));
  }
}

function clientMarksTurns(setup: Message | undefined): boolean {
  const input = setup?.realtimeInputConfig as
    | { automaticActivityDetection?: { disabled?: boolean } }
    | undefined;
  return input?.automaticActivityDetection?.disabled === true;
}
