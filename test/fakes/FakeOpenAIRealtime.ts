import http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { tone } from './FakeOpenAI.ts';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';
import { injectSocketFault, type SocketFault } from './socketFaults.ts';

/** One scripted model response. Unscripted: a short spoken "OK." */
export interface RealtimeResponseScript {
  /** What the bot says; spoken as `audioMs` of tone with this transcript. */
  transcript?: string;
  audioMs?: number;
  /** Audio per delta (ms). */
  chunkMs?: number;
  /** Wait between deltas (ms), so a test can barge in mid-response. */
  chunkDelayMs?: number;
  functionCalls?: Array<{ name: string; arguments: string; callId?: string }>;
}

/** One client connection as the fake saw it. */
export interface RealtimeSession {
  socket: WebSocket;
  /** The TCP socket under it, for faults `ws` would never send. */
  raw: Duplex;
  query: URLSearchParams;
  authorization: string | undefined;
  /** Every client event, parsed, in order (appends without their audio). */
  events: Array<{ type: string } & Record<string, unknown>>;
  /** Samples received through `input_audio_buffer.append`. */
  appendedSamples: number;
  closed: boolean;
}

/**
 * A local stand-in for the OpenAI Realtime API (GA protocol) over plain ws:
 * `session.created` on connect, `session.updated`, server-VAD events driven
 * by the test (`userSpeaks`, `speechStarted`), responses streamed as
 * `response.output_audio.delta` (base64 PCM 24 kHz) with
 * `response.output_audio_transcript.delta`, function calls with
 * `response.function_call_arguments.done`, `response.done` with usage,
 * `conversation.item.truncated`, and cancellation on barge-in as the real
 * server does with `interrupt_response`.
 */
export class FakeOpenAIRealtime {
  readonly sessions: RealtimeSession[] = [];
  readonly refused: number[] = [];
  readonly responses: RealtimeResponseScript[];
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ noServer: true });
  private ids = 0;
  /** The response being streamed per session; set to undefined to stop it. */
  private readonly streaming = new Map<RealtimeSession, { id: string; cancelled: boolean }>();

  constructor(options: { apiKey?: string; responses?: RealtimeResponseScript[] } = {}) {
    this.responses = [...(options.responses ?? [])];
    this.server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {}); // a client that resets mid-upgrade (e.g. after our 401) is not the fake's failure
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname !== '/v1/realtime') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      if (
        options.apiKey !== undefined &&
        req.headers.authorization !== `Bearer ${options.apiKey}`
      ) {
        this.refused.push(401);
        socket.end(
          'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.accept(ws, socket, url.searchParams, req.headers.authorization),
      );
    });
  }

  /** Starts listening; returns the REST-style base URL (`http://…/v1`). */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}/v1`;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await closeServer(this.server);
  }

  eventsOf(session: RealtimeSession, type: string): Array<Record<string, unknown>> {
    return session.events.filter((e) => e.type === type);
  }

  /** The server VAD hears the user start: cancels a response in progress, as `interrupt_response` does. */
  speechStarted(session: RealtimeSession): void {
    this.send(session, {
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: 1000,
      item_id: this.id('item'),
    });
    const current = this.streaming.get(session);
    if (current) current.cancelled = true;
  }

  /** A whole user turn: VAD start and stop, transcription, then the model answers (`create_response`). */
  async userSpeaks(session: RealtimeSession, transcript: string): Promise<void> {
    this.speechStarted(session);
    const itemId = this.id('item');
    this.send(session, {
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: 2000,
      item_id: itemId,
    });
    this.send(session, {
      type: 'input_audio_buffer.committed',
      item_id: itemId,
      previous_item_id: null,
    });
    this.send(session, {
      type: 'conversation.item.added',
      item: {
        id: itemId,
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_audio', transcript: null }],
      },
    });
    const respond = this.respond(session);
    this.send(session, {
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: 1 },
    });
    await respond;
  }

  /** Fault: the connection dies without a close handshake. */
  drop(session: RealtimeSession): void {
    session.socket.terminate();
  }

  /** Fault: bytes no conforming server sends (bad UTF-8, a reserved opcode, a huge frame) or a TCP reset. */
  fault(session: RealtimeSession, fault: SocketFault): void {
    injectSocketFault(session.raw, fault);
  }

  private accept(
    ws: WebSocket,
    raw: Duplex,
    query: URLSearchParams,
    authorization: string | undefined,
  ): void {
    const session: RealtimeSession = {
      socket: ws,
      raw,
      query,
      authorization,
      events: [],
      appendedSamples: 0,
      closed: false,
    };
    this.sessions.push(session);
    ws.on('close', () => (session.closed = true));
    this.send(session, {
      type: 'session.created',
      session: {
        type: 'realtime',
        object: 'realtime.session',
        id: this.id('sess'),
        model: query.get('model'),
        output_modalities: ['audio'],
        instructions: 'default',
      },
    });
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>;
      if (event.type === 'input_audio_buffer.append') {
        session.appendedSamples += Buffer.from(String(event.audio), 'base64').length / 2;
        session.events.push({ type: event.type });
        return;
      }
      session.events.push(event);
      switch (event.type) {
        case 'session.update':
          this.send(session, { type: 'session.updated', session: event.session });
          break;
        case 'conversation.item.create': {
          const item = {
            id: this.id('item'),
            status: 'completed',
            ...(event.item as Record<string, unknown>),
          };
          this.send(session, { type: 'conversation.item.added', previous_item_id: null, item });
          this.send(session, { type: 'conversation.item.done', previous_item_id: null, item });
          break;
        }
        case 'conversation.item.truncate':
          this.send(session, {
            type: 'conversation.item.truncated',
            item_id: event.item_id,
            content_index: event.content_index,
            audio_end_ms: event.audio_end_ms,
          });
          break;
        case 'response.create':
          void this.respond(session);
          break;
        case 'response.cancel': {
          const current = this.streaming.get(session);
          if (current) current.cancelled = true;
          else
            this.send(session, {
              type: 'error',
              error: {
                type: 'invalid_request_error',
                code: 'response_cancel_not_active',
                message: 'Cancellation failed: no active response found',
                param: null,
                event_id: null,
              },
            });
          break;
        }
      }
    });
  }

  private async respond(session: RealtimeSession): Promise<void> {
    const script = this.responses.shift() ?? { transcript: 'OK.', audioMs: 200 };
    const responseId = this.id('resp');
    const state = { id: responseId, cancelled: false };
    this.streaming.set(session, state);
    this.send(session, {
      type: 'response.created',
      response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] },
    });
    const output: Array<Record<string, unknown>> = [];
    let outputIndex = 0;

    if (script.transcript !== undefined || script.audioMs !== undefined) {
      const itemId = this.id('item');
      const transcript = script.transcript ?? '';
      const item = {
        id: itemId,
        object: 'realtime.item',
        type: 'message',
        role: 'assistant',
        status: 'in_progress',
        content: [],
      };
      this.send(session, {
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: outputIndex,
        item,
      });
      this.send(session, { type: 'conversation.item.added', previous_item_id: null, item });
      this.send(session, {
        type: 'response.content_part.added',
        response_id: responseId,
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        part: { type: 'audio', transcript: '' },
      });
      const pcm = tone(script.audioMs ?? 200);
      const chunk = Math.round(((script.chunkMs ?? 100) / 1000) * 24000);
      const words = transcript.match(/\S+\s*/g) ?? [];
      const chunks = Math.ceil(pcm.length / chunk);
      for (let i = 0; i < chunks; i++) {
        if (state.cancelled || session.socket.readyState !== session.socket.OPEN)
          return this.cancelled(session, responseId, output);
        const part = pcm.subarray(i * chunk, (i + 1) * chunk);
        this.send(session, {
          type: 'response.output_audio.delta',
          response_id: responseId,
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          delta: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'),
        });
        const wordsNow = words.splice(0, Math.ceil(words.length / (chunks - i)));
        if (wordsNow.length)
          this.send(session, {
            type: 'response.output_audio_transcript.delta',
            response_id: responseId,
            item_id: itemId,
            output_index: outputIndex,
            content_index: 0,
            delta: wordsNow.join(''),
          });
        if (script.chunkDelayMs) await new Promise((r) => setTimeout(r, script.chunkDelayMs));
      }
      if (state.cancelled) return this.cancelled(session, responseId, output);
      this.send(session, {
        type: 'response.output_audio.done',
        response_id: responseId,
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
      });
      this.send(session, {
        type: 'response.output_audio_transcript.done',
        response_id: responseId,
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        transcript,
      });
      const done = {
        ...item,
        status: 'completed',
        content: [{ type: 'output_audio', transcript }],
      };
      this.send(session, {
        type: 'response.output_item.done',
        response_id: responseId,
        output_index: outputIndex,
        item: done,
      });
      this.send(session, { type: 'conversation.item.done', previous_item_id: null, item: done });
      output.push(done);
      outputIndex++;
    }
    for (const call of script.functionCalls ?? []) {
      const itemId = this.id('item');
      const callId = call.callId ?? this.id('call');
      const item = {
        id: itemId,
        object: 'realtime.item',
        type: 'function_call',
        status: 'in_progress',
        call_id: callId,
        name: call.name,
        arguments: '',
      };
      this.send(session, {
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: outputIndex,
        item,
      });
      this.send(session, {
        type: 'response.function_call_arguments.delta',
        response_id: responseId,
        item_id: itemId,
        output_index: outputIndex,
        call_id: callId,
        delta: call.arguments,
      });
      this.send(session, {
        type: 'response.function_call_arguments.done',
        response_id: responseId,
        item_id: itemId,
        output_index: outputIndex,
        call_id: callId,
        name: call.name,
        arguments: call.arguments,
      });
      const done = { ...item, status: 'completed', arguments: call.arguments };
      this.send(session, {
        type: 'response.output_item.done',
        response_id: responseId,
        output_index: outputIndex,
        item: done,
      });
      output.push(done);
      outputIndex++;
    }
    this.streaming.delete(session);
    this.send(session, {
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output,
        usage: {
          total_tokens: 120,
          input_tokens: 80,
          output_tokens: 40,
          input_token_details: { text_tokens: 20, audio_tokens: 60, cached_tokens: 16 },
          output_token_details: { text_tokens: 10, audio_tokens: 30 },
        },
      },
    });
  }

  private cancelled(
    session: RealtimeSession,
    responseId: string,
    output: Array<Record<string, unknown>>,
  ): void {
    this.streaming.delete(session);
    this.send(session, {
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
        output,
        usage: { total_tokens: 60, input_tokens: 50, output_tokens: 10 },
      },
    });
  }

  private send(session: RealtimeSession, event: Record<string, unknown>): void {
    if (session.socket.readyState === session.socket.OPEN)
      session.socket.send(JSON.stringify({ event_id: this.id('event'), ...event }));
  }

  private id(prefix: string): string {
    return `${prefix}_fake${++this.ids}`;
  }
}
