import http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { tone } from './FakeOpenAI.ts';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';
import { injectSocketFault, type SocketFault } from './socketFaults.ts';

/** One live-transcription socket (`/v1/listen`) as the fake saw it. */
export interface ListenSession {
  socket: WebSocket;
  /** The TCP socket under it, for faults `ws` would never send. */
  raw: Duplex;
  query: URLSearchParams;
  authorization: string | undefined;
  audioBytes: number;
  /** Binary (audio) messages received: how the client packs its audio. */
  audioMessages: number;
  /** Text messages from the client (`Finalize`, `KeepAlive`, `CloseStream`), in order. */
  controls: string[];
  closed: boolean;
}

/** One TTS socket (`/v1/speak`). */
export interface SpeakSession {
  socket: WebSocket;
  /** The TCP socket under it, for faults `ws` would never send. */
  raw: Duplex;
  query: URLSearchParams;
  authorization: string | undefined;
  /** Every text message from the client, parsed, in order. */
  messages: Array<{ type: string; text?: string }>;
  closed: boolean;
}

export interface FakeDeepgramOptions {
  /** Connections without `Authorization: Token <apiKey>` are refused with HTTP 401 at the upgrade. */
  apiKey?: string;
  /** What a `Finalize` flushes out as the final result; empty = an empty final. */
  finalizeTranscripts?: string[];
  /** TTS: audio per character of text (ms). */
  speakMsPerChar?: number;
  /** TTS: bytes per binary audio message. */
  speakChunkBytes?: number;
  /** TTS: delay between audio messages (ms). */
  speakChunkDelayMs?: number;
  /** TTS fault: terminate the socket after this many audio messages of a flush. */
  speakDropAfterChunks?: number;
  /** TTS fault: never answer a flush. */
  speakHang?: boolean;
}

/**
 * A local stand-in for Deepgram's streaming APIs on one port, speaking their
 * wire protocol: `/v1/listen` takes binary linear16 and control messages and
 * answers with `Results` / `UtteranceEnd` / `SpeechStarted` / `Metadata` JSON
 * (driven by the test, plus an automatic answer to `Finalize`); `/v1/speak`
 * takes `Speak` / `Flush` / `Clear` / `Close` and answers with binary linear16
 * audio and `Metadata` / `Flushed` / `Cleared`.
 */
export class FakeDeepgram {
  readonly listens: ListenSession[] = [];
  readonly speaks: SpeakSession[] = [];
  readonly refused: string[] = [];
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ noServer: true });
  private sequence = 0;
  private requestCounter = 0;

  constructor(private readonly options: FakeDeepgramOptions = {}) {
    this.server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {}); // a client that resets mid-upgrade (e.g. after our 401) is not the fake's failure
      const url = new URL(req.url ?? '/', 'http://fake');
      if (options.apiKey !== undefined && req.headers.authorization !== `Token ${options.apiKey}`) {
        this.refused.push(url.pathname);
        socket.end(
          'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}',
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (url.pathname === '/v1/listen')
          this.listen(ws, socket, url.searchParams, req.headers.authorization);
        else if (url.pathname === '/v1/speak')
          this.speak(ws, socket, url.searchParams, req.headers.authorization);
        else ws.close(1008, 'unknown path');
      });
    });
  }

  /** Starts listening; returns the base URL to give the SDK. */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await closeServer(this.server);
  }

  /** Sends a `Results` message on a listen session, shaped like Deepgram's. */
  sendResults(
    session: ListenSession,
    transcript: string,
    flags: { isFinal?: boolean; speechFinal?: boolean; fromFinalize?: boolean } = {},
  ): void {
    const words = transcript
      .split(/\s+/)
      .filter(Boolean)
      .map((w, i) => ({
        word: w.toLowerCase().replace(/[^\w']/g, ''),
        start: i * 0.3,
        end: i * 0.3 + 0.25,
        confidence: 0.98,
        punctuated_word: w,
      }));
    session.socket.send(
      JSON.stringify({
        type: 'Results',
        channel_index: [0, 1],
        duration: 1.0,
        start: 0.0,
        is_final: flags.isFinal ?? false,
        speech_final: flags.speechFinal ?? false,
        channel: { alternatives: [{ transcript, confidence: 0.98, words }] },
        metadata: {
          request_id: 'fake-request',
          model_info: { name: '2-general-nova', version: '2024-01-09.29447', arch: 'nova-3' },
          model_uuid: 'fake-model',
        },
        from_finalize: flags.fromFinalize ?? false,
      }),
    );
  }

  sendUtteranceEnd(session: ListenSession): void {
    session.socket.send(
      JSON.stringify({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: 2.4 }),
    );
  }

  sendSpeechStarted(session: ListenSession): void {
    session.socket.send(JSON.stringify({ type: 'SpeechStarted', channel: [0], timestamp: 0.5 }));
  }

  /** Fault: the connection dies without a close handshake. */
  drop(session: ListenSession | SpeakSession): void {
    session.socket.terminate();
  }

  /** Fault: bytes no conforming server sends (bad UTF-8, a reserved opcode, a huge frame) or a TCP reset. */
  fault(session: ListenSession | SpeakSession, fault: SocketFault): void {
    injectSocketFault(session.raw, fault);
  }

  private listen(
    ws: WebSocket,
    raw: Duplex,
    query: URLSearchParams,
    authorization: string | undefined,
  ): void {
    const session: ListenSession = {
      socket: ws,
      raw,
      query,
      authorization,
      audioBytes: 0,
      audioMessages: 0,
      controls: [],
      closed: false,
    };
    this.listens.push(session);
    ws.on('close', () => (session.closed = true));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        session.audioBytes += (data as Buffer).length;
        session.audioMessages++;
        return;
      }
      const message = JSON.parse(data.toString()) as { type: string };
      session.controls.push(message.type);
      if (message.type === 'Finalize') {
        this.sendResults(session, this.options.finalizeTranscripts?.shift() ?? '', {
          isFinal: true,
          speechFinal: true,
          fromFinalize: true,
        });
      } else if (message.type === 'CloseStream') {
        ws.send(
          JSON.stringify({
            type: 'Metadata',
            transaction_key: 'deprecated',
            request_id: `req-${++this.requestCounter}`,
            sha256: '0'.repeat(64),
            created: new Date(0).toISOString(),
            duration: session.audioBytes / 32000,
            channels: 1,
          }),
        );
        ws.close(1000);
      }
    });
  }

  private speak(
    ws: WebSocket,
    raw: Duplex,
    query: URLSearchParams,
    authorization: string | undefined,
  ): void {
    const session: SpeakSession = {
      socket: ws,
      raw,
      query,
      authorization,
      messages: [],
      closed: false,
    };
    this.speaks.push(session);
    ws.on('close', () => (session.closed = true));
    ws.send(
      JSON.stringify({
        type: 'Metadata',
        request_id: `req-${++this.requestCounter}`,
        model_name: query.get('model') ?? 'aura-2-thalia-en',
        model_version: '2025-01-01',
        model_uuid: 'fake-uuid',
      }),
    );
    let pending = '';
    /** Bumped by Clear: audio of a flush that started before it stops. */
    let epoch = 0;
    const rate = Number(query.get('sample_rate') ?? 24000);
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as { type: string; text?: string };
      session.messages.push(message);
      if (message.type === 'Speak') pending += message.text ?? '';
      else if (message.type === 'Clear') {
        pending = '';
        epoch++;
        ws.send(JSON.stringify({ type: 'Cleared', sequence_id: this.sequence++ }));
      } else if (message.type === 'Close') ws.close(1000);
      else if (message.type === 'Flush') {
        if (this.options.speakHang) return;
        const text = pending;
        pending = '';
        const myEpoch = epoch;
        const pcm = tone(text.length * (this.options.speakMsPerChar ?? 10), rate);
        const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
        const size = this.options.speakChunkBytes ?? 4800;
        let chunks = 0;
        for (let at = 0; at < bytes.length; at += size) {
          if (epoch !== myEpoch || ws.readyState !== ws.OPEN) return;
          if (
            this.options.speakDropAfterChunks !== undefined &&
            chunks === this.options.speakDropAfterChunks
          ) {
            await new Promise((r) => setTimeout(r, 30));
            ws.terminate();
            return;
          }
          ws.send(bytes.subarray(at, at + size));
          chunks++;
          if (this.options.speakChunkDelayMs)
            await new Promise((r) => setTimeout(r, this.options.speakChunkDelayMs));
        }
        if (epoch === myEpoch && ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ type: 'Flushed', sequence_id: this.sequence++ }));
      }
    });
  }
}
