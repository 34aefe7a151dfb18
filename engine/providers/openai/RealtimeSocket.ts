import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import WebSocket from 'ws';
import { redactSecret } from '../../services/redactSecret.ts';

export interface RealtimeSocketOptions {
  apiKey: string;
  /** The REST base URL (https://api.openai.com/v1); the socket lives at `<base>/realtime` on ws(s)://. */
  baseUrl: string;
  model: string;
  /** Give up on a handshake that takes longer (ms). */
  connectTimeoutMs: number;
}

export interface RealtimeSocketHandlers {
  onEvent(event: RealtimeServerEvent): void;
  /** `onEvent` threw on an event whose fields are not what the protocol says (message redacted). */
  onEventFailed(type: string, message: string): void;
  /** The socket closed without `close()` being called. */
  onClosed(code: number, reason: string): void;
}

function isEvent(value: unknown): value is RealtimeServerEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * The largest server event accepted. Events carry base64 audio deltas of a
 * few kB and transcripts; `ws` would buffer up to 100 MiB per message for a
 * misbehaving server. A larger one closes the socket (1009) like any drop.
 */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** `https://host/v1` → `wss://host/v1/realtime?model=…`. */
export function realtimeUrl(baseUrl: string, model: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/realtime`);
  url.protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:';
  url.searchParams.set('model', model);
  return url.toString();
}

/**
 * The Realtime API's WebSocket (GA protocol), spoken with `ws` directly: the
 * SDK's realtime client always dials wss://, which rules out plain-ws servers
 * such as local gateways and test fakes. Events are the SDK's own types, so
 * the wire format is checked at compile time.
 */
export class RealtimeSocket {
  private constructor(
    private readonly ws: WebSocket,
    private readonly apiKey: string,
  ) {}

  static connect(
    options: RealtimeSocketOptions,
    handlers: RealtimeSocketHandlers,
  ): Promise<RealtimeSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(realtimeUrl(options.baseUrl, options.model), {
        headers: { Authorization: `Bearer ${options.apiKey}` },
        handshakeTimeout: options.connectTimeoutMs,
        maxPayload: MAX_EVENT_BYTES,
      });
      const socket = new RealtimeSocket(ws, options.apiKey);
      let opened = false;
      ws.on('open', () => {
        opened = true;
        resolve(socket);
      });
      ws.on('unexpected-response', (_req, res) => {
        reject(new Error(`Realtime connection refused: HTTP ${res.statusCode ?? '?'}`));
        ws.terminate();
      });
      // Attached before anything can fail and kept for the socket's life: an 'error' without a listener
      // (a provider's bad UTF-8, bad opcode, oversized frame, a TCP reset) would end the process.
      // After the handshake `ws` follows it with 'close' (1007, 1002, 1009, 1006), which fails the turn below.
      ws.on('error', (error) => {
        if (!opened)
          reject(
            new Error(`Realtime connection failed: ${redactSecret(error.message, options.apiKey)}`),
          );
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let event: unknown;
        try {
          event = JSON.parse(data.toString());
        } catch {
          return; // not an event; the protocol only sends JSON text
        }
        if (!isEvent(event)) return;
        try {
          handlers.onEvent(event);
        } catch (error) {
          // Thrown from inside `ws`'s data handler this would end the process: a malformed event costs the turn only.
          handlers.onEventFailed(
            event.type.slice(0, 100),
            redactSecret(error instanceof Error ? error.message : String(error), options.apiKey),
          );
        }
      });
      ws.on('close', (code, reason) => {
        if (!opened)
          reject(new Error(`Realtime connection closed before it opened (code ${code})`));
        else if (!socket.closing)
          handlers.onClosed(code, redactSecret(reason.toString(), options.apiKey));
      });
    });
  }

  private closing = false;

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(event: RealtimeClientEvent): void {
    if (this.isOpen) this.ws.send(JSON.stringify(event));
  }

  close(): void {
    this.closing = true;
    this.ws.close(1000);
  }

  /** For messages that may echo what we sent. */
  redact(text: string): string {
    return redactSecret(text, this.apiKey);
  }
}
