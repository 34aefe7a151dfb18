import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';

/** One scripted answer of `streamGenerateContent`. Unscripted requests get `{ text: 'OK.' }`. */
export interface GeminiTextScript {
  /** Streamed as these pieces, one chunk each; a string is streamed a word at a time. */
  text?: string | string[];
  /** functionCall parts, all in one chunk after the text, as the API sends parallel calls. */
  functionCalls?: Array<{ name: string; args: Record<string, unknown> }>;
  /** usageMetadata of the last chunk. */
  usage?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    cachedContentTokenCount?: number;
  };
  /** Fault: answer with this HTTP status and a Google error body (429 RESOURCE_EXHAUSTED, 500 INTERNAL…). */
  status?: number;
  errorMessage?: string;
  /** Wait between chunks (ms). */
  chunkDelayMs?: number;
  /** Fault: destroy the socket after this many chunks. */
  dropAfterChunks?: number;
  /** Fault: accept the request and never answer. */
  hang?: boolean;
}

export interface RecordedGeminiRequest {
  method: string;
  path: string;
  /** The query string, e.g. `alt=sse`. */
  query: string;
  /** The key from `x-goog-api-key`. */
  apiKey: string | undefined;
  json?: Record<string, unknown>;
  /** The client closed the connection before the answer was complete (abort, timeout). */
  clientClosedEarly: boolean;
  completed: boolean;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * A local stand-in for the Gemini API's streaming text endpoint as
 * `@google/genai` calls it: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`
 * with the key in `x-goog-api-key`, answered with SSE `data: {GenerateContentResponse}`
 * chunks — text parts, then functionCall parts, `finishReason` and
 * `usageMetadata` on the last. Errors are `{"error":{code,message,status}}`
 * bodies. A wrong key gets a 400 that echoes it, as a careless server might.
 * Answers are scripted, faults included; every request is recorded.
 */
export class FakeGeminiText {
  readonly requests: RecordedGeminiRequest[] = [];
  readonly scripts: GeminiTextScript[];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  constructor(private readonly options: { apiKey?: string; scripts?: GeminiTextScript[] } = {}) {
    this.scripts = [...(options.scripts ?? [])];
  }

  /** Starts listening; returns the base URL (the SDK adds `/v1beta/models/…`). */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = req.headers['x-goog-api-key'];
    const record: RecordedGeminiRequest = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: url.search.slice(1),
      apiKey: Array.isArray(key) ? key[0] : key,
      clientClosedEarly: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished && !droppedByServer.has(res)) record.clientClosedEarly = true;
    });
    res.on('finish', () => (record.completed = true));

    if (this.options.apiKey !== undefined && record.apiKey !== this.options.apiKey) {
      sendError(
        res,
        400,
        `API key not valid: ${record.apiKey ?? ''}. Please pass a valid API key.`,
      );
      return;
    }
    const model = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/.exec(record.path)?.[1];
    if (!model || req.method !== 'POST' || record.query !== 'alt=sse') {
      sendError(res, 404, `Not found: ${req.method} ${record.path}?${record.query}`);
      return;
    }
    record.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    return this.stream(model, this.scripts.shift() ?? { text: 'OK.' }, res);
  }

  private async stream(model: string, script: GeminiTextScript, res: http.ServerResponse) {
    if (script.hang) return;
    if (script.status) {
      sendError(res, script.status, script.errorMessage ?? defaultMessage(script.status));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const chunks = this.chunks(model, script);
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (i === script.dropAfterChunks) {
        droppedByServer.add(res);
        await delay(30);
        res.socket?.destroy();
        return;
      }
      res.write(`data: ${JSON.stringify(chunks[i])}\r\n\r\n`);
      if (i < chunks.length - 1) await delay(script.chunkDelayMs);
    }
    res.end();
  }

  /** The answer's chunks in order: text pieces, the calls, finishReason and usage on the last. */
  private chunks(model: string, script: GeminiTextScript): Record<string, unknown>[] {
    const text =
      typeof script.text === 'string' ? (script.text.match(/\S+\s*/g) ?? []) : (script.text ?? []);
    const parts: Array<Record<string, unknown>[]> = text.map((t) => [{ text: t }]);
    const calls = script.functionCalls ?? [];
    if (calls.length > 0) {
      parts.push(calls.map((c) => ({ functionCall: { name: c.name, args: c.args } })));
    }
    if (parts.length === 0) parts.push([{ text: '' }]);
    const u = script.usage ?? {};
    return parts.map((p, i) => {
      const last = i === parts.length - 1;
      return {
        candidates: [
          {
            content: { role: 'model', parts: p },
            index: 0,
            ...(last ? { finishReason: 'STOP' } : {}),
          },
        ],
        ...(last
          ? {
              usageMetadata: {
                promptTokenCount: u.promptTokenCount ?? 20,
                candidatesTokenCount: u.candidatesTokenCount ?? text.length + calls.length * 5,
                ...(u.cachedContentTokenCount
                  ? { cachedContentTokenCount: u.cachedContentTokenCount }
                  : {}),
              },
            }
          : {}),
        modelVersion: model,
        responseId: `fake_${i}`,
      };
    });
  }
}

/** Responses the fake dropped itself, so that is not counted as the client hanging up. */
const droppedByServer = new WeakSet<http.ServerResponse>();

function defaultMessage(status: number): string {
  if (status === 429) return 'Resource has been exhausted (e.g. check quota).';
  if (status === 503) return 'The model is overloaded. Please try again later.';
  return 'An internal error has occurred.';
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify({ error: { code: status, message, status: name } }));
}

function delay(ms: number | undefined): Promise<void> {
  return ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
