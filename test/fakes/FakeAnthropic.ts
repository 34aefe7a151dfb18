import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';

/** One scripted answer of `POST /v1/messages`. Unscripted requests get `{ text: 'OK.' }`. */
export interface MessageScript {
  /** Streamed as these pieces; a string is streamed a word at a time. */
  text?: string | string[];
  /** tool_use blocks after the text block, each its own content block (parallel tool use). */
  toolUses?: Array<{ name: string; input: Record<string, unknown>; id?: string }>;
  /** Token counts for `message_start` (input, cache) and `message_delta` (output). */
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheCreationInputTokens?: number;
    cacheReadInputTokens?: number;
  };
  /** Fault: answer with this HTTP status and an Anthropic error body (429 rate_limit, 529 overloaded…). */
  status?: number;
  errorMessage?: string;
  /** Sent as `retry-after` (seconds) with an error status. */
  retryAfterSeconds?: number;
  /** Fault: after this many events, send an SSE `error` event (overloaded) and end, as the API does mid-stream. */
  errorEventAfter?: number;
  /** Wait before the headers (ms). */
  firstByteDelayMs?: number;
  /** Wait between events after `message_start` (ms). */
  eventDelayMs?: number;
  /** Fault: destroy the socket after this many events. */
  dropAfterEvents?: number;
  /** Fault: accept the request and never answer. */
  hang?: boolean;
}

export interface RecordedMessagesRequest {
  path: string;
  /** The key from `x-api-key` or, failing that, `Authorization: Bearer`. */
  apiKey: string | undefined;
  anthropicVersion: string | undefined;
  json?: Record<string, unknown>;
  /** The client closed the connection before the answer was complete (abort, timeout). */
  clientClosedEarly: boolean;
  completed: boolean;
}

export interface FakeAnthropicOptions {
  /** Requests without this key (`x-api-key` or `Authorization: Bearer`) get a 401 that echoes the key they sent, as a careless server might. */
  apiKey?: string;
  messages?: MessageScript[];
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * A local stand-in for Anthropic's Messages API, speaking its wire format:
 * `POST /v1/messages` with `stream: true` answers as named SSE events —
 * `message_start` (the message with its input usage), per content block
 * `content_block_start` / `content_block_delta` (`text_delta` or
 * `input_json_delta`) / `content_block_stop`, `message_delta` (stop reason,
 * output usage), `message_stop`, with a `ping` early on. Errors are
 * `{"type":"error","error":{…}}` bodies, or an `error` event mid-stream.
 * The key and `anthropic-version` are checked like the real API does.
 * Answers are scripted, faults included; every request is recorded.
 */
export class FakeAnthropic {
  readonly requests: RecordedMessagesRequest[] = [];
  readonly scripts: MessageScript[];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private nextId = 1;

  constructor(private readonly options: FakeAnthropicOptions = {}) {
    this.scripts = [...(options.messages ?? [])];
  }

  /** Starts listening; returns the base URL (the SDK adds `/v1/messages`). */
  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const record: RecordedMessagesRequest = {
      path,
      // SDK 1.x sends the key as a bearer token; curl and older clients use x-api-key. The API takes both.
      apiKey: header('x-api-key') ?? /^Bearer (.*)$/.exec(header('authorization') ?? '')?.[1],
      anthropicVersion: header('anthropic-version'),
      clientClosedEarly: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished && !droppedByServer.has(res)) record.clientClosedEarly = true;
    });
    res.on('finish', () => (record.completed = true));

    if (this.options.apiKey !== undefined && record.apiKey !== this.options.apiKey) {
      sendError(res, 401, `invalid x-api-key: ${record.apiKey ?? ''}`);
      return;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(record.anthropicVersion ?? '')) {
      sendError(res, 400, 'anthropic-version: header is required');
      return;
    }
    if (path !== '/v1/messages' || req.method !== 'POST') {
      sendError(res, 404, `Not found: ${req.method} ${path}`);
      return;
    }
    record.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (record.json.stream !== true) {
      sendError(res, 400, 'this fake only streams: send stream: true');
      return;
    }
    return this.stream(record.json, this.scripts.shift() ?? { text: 'OK.' }, res);
  }

  private async stream(
    request: Record<string, unknown>,
    script: MessageScript,
    res: http.ServerResponse,
  ): Promise<void> {
    if (script.hang) return;
    await delay(script.firstByteDelayMs);
    if (res.destroyed) return;
    if (script.status) {
      if (script.retryAfterSeconds) res.setHeader('retry-after', String(script.retryAfterSeconds));
      sendError(res, script.status, script.errorMessage ?? defaultMessage(script.status));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': `req_fake${this.nextId}`,
    });
    res.flushHeaders();
    const events = this.events(request, script);
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (i === script.dropAfterEvents) {
        await destroyByServer(res);
        return;
      }
      if (i === script.errorEventAfter) {
        res.end(
          sse('error', {
            type: 'error',
            error: { type: 'overloaded_error', message: 'Overloaded' },
          }),
        );
        return;
      }
      res.write(sse(events[i].type, events[i]));
      if (i > 0) await delay(script.eventDelayMs);
    }
    res.end();
  }

  /** The answer's events in order, as the real API sends them. */
  private events(request: Record<string, unknown>, script: MessageScript): SseEvent[] {
    const u = script.usage ?? {};
    const text =
      typeof script.text === 'string' ? (script.text.match(/\S+\s*/g) ?? []) : (script.text ?? []);
    const toolUses = script.toolUses ?? [];
    const events: SseEvent[] = [
      {
        type: 'message_start',
        message: {
          id: `msg_fake${this.nextId++}`,
          type: 'message',
          role: 'assistant',
          model: typeof request.model === 'string' ? request.model : 'claude-haiku-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: u.inputTokens ?? 21,
            cache_creation_input_tokens: u.cacheCreationInputTokens ?? 0,
            cache_read_input_tokens: u.cacheReadInputTokens ?? 0,
            output_tokens: 1,
          },
        },
      },
    ];
    let index = 0;
    if (text.length > 0) {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      events.push({ type: 'ping' });
      for (const t of text) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
      }
      events.push({ type: 'content_block_stop', index: index++ });
    }
    for (const use of toolUses) {
      const id = use.id ?? `toolu_fake${this.nextId++}`;
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id, name: use.name, input: {} },
      });
      // The input streams as JSON in small pieces, the first one empty, as from the real API.
      const json = JSON.stringify(use.input);
      const pieces = [''];
      for (let at = 0; at < json.length; at += 6) pieces.push(json.slice(at, at + 6));
      for (const partial_json of pieces) {
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json },
        });
      }
      events.push({ type: 'content_block_stop', index: index++ });
    }
    events.push({
      type: 'message_delta',
      delta: { stop_reason: toolUses.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: u.outputTokens ?? text.length + toolUses.length * 10 },
    });
    events.push({ type: 'message_stop' });
    return events;
  }
}

type SseEvent = { type: string } & Record<string, unknown>;

/** One SSE event, named by its type as the API names them. */
function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Responses the fake dropped itself, so that is not counted as the client hanging up. */
const droppedByServer = new WeakSet<http.ServerResponse>();

/** Drops the connection mid-answer, after what was written so far had time to reach the client. */
async function destroyByServer(res: http.ServerResponse): Promise<void> {
  droppedByServer.add(res);
  await delay(30);
  res.socket?.destroy();
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Number of request tokens has exceeded your per-minute rate limit';
  if (status === 529) return 'Overloaded';
  return 'Internal server error';
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fakeerror' });
  res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_fakeerror' }));
}

function delay(ms: number | undefined): Promise<void> {
  return ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
