import WebSocket from 'ws';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { redactSecret } from './redactSecret.ts';

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
  /** The socket closed without `close()` being called. */
  onClosed(code: number, reason: string): void;
}

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

  static connect(options: RealtimeSocketOptions, handlers: RealtimeSocketHandlers): Promise<RealtimeSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(realtimeUrl(options.baseUrl, options.model), {
        headers: { Authorization: `Bearer ${options.apiKey}` },
        handshakeTimeout: options.connectTimeoutMs,
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
      ws.on('error', (error) => {
        if (!opened) reject(new Error(`Realtime connection failed: ${redactSecret(error.message, options.apiKey)}`));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let event: RealtimeServerEvent;
        try {
          event = JSON.parse(data.toString()) as RealtimeServerEvent;
        } catch {
          return; // not an event; the protocol only sends JSON text
        }
        handlers.onEvent(event);
      });
      ws.on('close', (code, reason) => {
        if (!opened) reject(new Error(`Realtime connection closed before it opened (code ${code})`));
        else if (!socket.closing) handlers.onClosed(code, redactSecret(reason.toString(), options.apiKey));
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
