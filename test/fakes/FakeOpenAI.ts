import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';

/** One scripted answer of `/v1/chat/completions`. Unscripted requests get `{ text: 'OK.' }`. */
export interface ChatScript {
  /** Streamed as these pieces; a string is streamed a word at a time. */
  text?: string | string[];
  /** Tool calls streamed after the text, one after another (as OpenAI does for parallel calls). */
  toolCalls?: Array<{ name: string; arguments: string; id?: string }>;
  /** Send every call at index 0, told apart only by id (as Ollama does). */
  toolCallsAllAtIndexZero?: boolean;
  usage?: { promptTokens: number; completionTokens: number };
  /** Fault: answer with this HTTP status and an OpenAI error body. */
  status?: number;
  errorMessage?: string;
  /** Sent as `retry-after-ms` with an error status. */
  retryAfterMs?: number;
  /** Wait before the headers (ms). */
  firstByteDelayMs?: number;
  /** Wait between chunks (ms). */
  chunkDelayMs?: number;
  /** Fault: destroy the socket after this many content chunks. */
  dropAfterChunks?: number;
  /** Fault: end the HTTP response cleanly after this many content chunks, without finish_reason or [DONE]. */
  endAfterChunks?: number;
  /** Fault: accept the request and never answer. */
  hang?: boolean;
}

/** One scripted answer of `/v1/audio/speech`. Unscripted: 300 ms of tone. */
export interface SpeechScript {
  status?: number;
  hang?: boolean;
  firstByteDelayMs?: number;
  durationMs?: number;
  /** Bytes per written chunk; odd sizes check that samples split across chunks are rejoined. */
  chunkBytes?: number;
  chunkDelayMs?: number;
  dropAfterChunks?: number;
}

/** One scripted answer of `/v1/audio/transcriptions`. Unscripted: `{ text: 'hello there' }`. */
export interface TranscriptionScript {
  text?: string;
  status?: number;
  hang?: boolean;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** Parsed JSON body (chat, speech). */
  json?: Record<string, unknown>;
  /** Multipart fields (transcriptions): text fields as strings, files as bytes. */
  form?: Record<string, string | { name: string; type: string; bytes: Uint8Array }>;
  /** The client closed the connection before the answer was complete (abort, timeout). */
  clientClosedEarly: boolean;
  /** The answer was sent completely. */
  completed: boolean;
}

export interface FakeOpenAIOptions {
  /** Requests without `Authorization: Bearer <apiKey>` get a 401 that echoes the key they sent, as a careless server might. */
  apiKey?: string;
  chat?: ChatScript[];
  speech?: SpeechScript[];
  transcriptions?: TranscriptionScript[];
}

export const SPEECH_SAMPLE_RATE = 24000;

/**
 * A local stand-in for the OpenAI REST API, speaking its real wire format:
 * Chat Completions as SSE `chat.completion.chunk`s (text deltas, tool-call
 * fragments by index, a final usage chunk when asked, `data: [DONE]`),
 * `/audio/speech` as a raw PCM s16le 24 kHz stream, `/audio/transcriptions`
 * as multipart in, JSON out. Answers are scripted per endpoint, including
 * faults; every request is recorded with whether the client hung up early.
 */
export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  readonly chat: ChatScript[];
  readonly speech: SpeechScript[];
  readonly transcriptions: TranscriptionScript[];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private nextId = 1;

  constructor(private readonly options: FakeOpenAIOptions = {}) {
    this.chat = [...(options.chat ?? [])];
    this.speech = [...(options.speech ?? [])];
    this.transcriptions = [...(options.transcriptions ?? [])];
  }

  /** Starts listening; returns the base URL including `/v1`. */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}/v1`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      clientClosedEarly: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished && !droppedByServer.has(res)) record.clientClosedEarly = true;
    });
    res.on('finish', () => (record.completed = true));

    const sentKey = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (this.options.apiKey !== undefined && sentKey !== this.options.apiKey) {
      sendError(
        res,
        401,
        `Incorrect API key provided: ${sentKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_api_key',
      );
      return;
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      record.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      return this.chatCompletion(record.json, this.chat.shift() ?? { text: 'OK.' }, res);
    }
    if (path === '/v1/audio/speech' && req.method === 'POST') {
      record.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      return this.speak(this.speech.shift() ?? {}, res);
    }
    if (path === '/v1/audio/transcriptions' && req.method === 'POST') {
      record.form = await parseMultipart(body, req.headers['content-type'] ?? '');
      return this.transcribe(this.transcriptions.shift() ?? {}, res);
    }
    sendError(res, 404, `Unknown request URL: ${req.method} ${path}`, 'unknown_url');
  }

  private async chatCompletion(
    request: Record<string, unknown>,
    script: ChatScript,
    res: http.ServerResponse,
  ): Promise<void> {
    if (script.hang) return;
    await delay(script.firstByteDelayMs);
    if (res.destroyed) return;
    if (script.status) {
      if (script.retryAfterMs) res.setHeader('retry-after-ms', String(script.retryAfterMs));
      sendError(
        res,
        script.status,
        script.errorMessage ?? 'The server had an error while processing your request.',
        script.status === 429 ? 'rate_limit_exceeded' : 'server_error',
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    const id = `chatcmpl-fake${this.nextId++}`;
    const model = typeof request.model === 'string' ? request.model : 'gpt-4o-mini';
    const includeUsage =
      (request.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const chunk = (choices: unknown[], usage: unknown = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: 'fp_fake', choices, ...(includeUsage ? { usage } : {}) })}\n\n`;
    const delta = (d: Record<string, unknown>, finish: string | null = null) =>
      chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

    const pieces: string[] = [delta({ role: 'assistant', content: '', refusal: null })];
    const text =
      typeof script.text === 'string' ? (script.text.match(/\S+\s*/g) ?? []) : (script.text ?? []);
    for (const t of text) pieces.push(delta({ content: t }));
    (script.toolCalls ?? []).forEach((call, i) => {
      const index = script.toolCallsAllAtIndexZero ? 0 : i;
      const callId = call.id ?? `call_fake${this.nextId++}`;
      pieces.push(
        delta({
          ...(i === 0 && text.length === 0 ? { content: null } : {}),
          tool_calls: [
            { index, id: callId, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        }),
      );
      // Arguments arrive in small fragments, as from the real API.
      for (let at = 0; at < call.arguments.length; at += 7) {
        pieces.push(
          delta({
            tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + 7) } }],
          }),
        );
      }
    });
    const contentChunks = pieces.length;
    pieces.push(delta({}, script.toolCalls?.length ? 'tool_calls' : 'stop'));
    if (includeUsage) {
      const u = script.usage ?? {
        promptTokens: 17,
        completionTokens: text.length + (script.toolCalls?.length ?? 0) * 5,
      };
      pieces.push(
        chunk([], {
          prompt_tokens: u.promptTokens,
          completion_tokens: u.completionTokens,
          total_tokens: u.promptTokens + u.completionTokens,
        }),
      );
    }
    pieces.push('data: [DONE]\n\n');

    for (let i = 0; i < pieces.length; i++) {
      if (res.destroyed) return;
      if (
        script.dropAfterChunks !== undefined &&
        i === Math.min(script.dropAfterChunks, contentChunks)
      ) {
        await destroyByServer(res);
        return;
      }
      if (
        script.endAfterChunks !== undefined &&
        i === Math.min(script.endAfterChunks, contentChunks)
      ) {
        res.end();
        return;
      }
      res.write(pieces[i]);
      if (i > 0 && i < contentChunks) await delay(script.chunkDelayMs);
    }
    res.end();
  }

  private async speak(script: SpeechScript, res: http.ServerResponse): Promise<void> {
    if (script.hang) return;
    await delay(script.firstByteDelayMs);
    if (res.destroyed) return;
    if (script.status) {
      sendError(
        res,
        script.status,
        'The server had an error while processing your request.',
        'server_error',
      );
      return;
    }
    const pcm = tone(script.durationMs ?? 300);
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'transfer-encoding': 'chunked',
    });
    res.flushHeaders();
    const size = script.chunkBytes ?? 4801;
    let chunks = 0;
    for (let at = 0; at < bytes.length; at += size) {
      if (res.destroyed) return;
      if (script.dropAfterChunks !== undefined && chunks === script.dropAfterChunks) {
        await destroyByServer(res);
        return;
      }
      res.write(bytes.subarray(at, at + size));
      chunks++;
      await delay(script.chunkDelayMs);
    }
    res.end();
  }

  private async transcribe(script: TranscriptionScript, res: http.ServerResponse): Promise<void> {
    if (script.hang) return;
    await delay(script.delayMs);
    if (res.destroyed) return;
    if (script.status) {
      sendError(
        res,
        script.status,
        'The server had an error while processing your request.',
        'server_error',
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        text: script.text ?? 'hello there',
        usage: { type: 'duration', seconds: 1 },
      }),
    );
  }
}

/** Responses the fake dropped itself, so that is not counted as the client hanging up. */
const droppedByServer = new WeakSet<http.ServerResponse>();

/** Drops the connection mid-answer, after what was written so far had time to reach the client. */
async function destroyByServer(res: http.ServerResponse): Promise<void> {
  droppedByServer.add(res);
  await delay(30);
  res.socket?.destroy();
}

function sendError(res: http.ServerResponse, status: number, message: string, code: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      error: {
        message,
        type: status === 429 ? 'requests' : 'invalid_request_error',
        param: null,
        code,
      },
    }),
  );
}

function delay(ms: number | undefined): Promise<void> {
  return ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function parseMultipart(body: Buffer, contentType: string): Promise<RecordedRequest['form']> {
  // undici's multipart parser, the same one fetch uses.
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType },
  }).formData();
  const out: NonNullable<RecordedRequest['form']> = {};
  for (const [key, value] of form.entries()) {
    out[key] =
      typeof value === 'string'
        ? value
        : { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return out;
}

/** A 440 Hz tone at 24 kHz, little-endian like the real API's `pcm` format. */
export function tone(durationMs: number, sampleRate = SPEECH_SAMPLE_RATE): Int16Array {
  const samples = new Int16Array(Math.round((durationMs / 1000) * sampleRate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return samples;
}
