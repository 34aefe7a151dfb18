import WebSocket from 'ws';

/**
 * The socket @google/genai's Live API runs on, with a guard the SDK lacks.
 *
 * The SDK parses each server message in a promise nobody awaits
 * (`void handleWebSocketMessage(…)`), so one malformed message from the
 * server — or from anything between — is an unhandled rejection in the
 * process and the session never hears of it. This socket checks each message
 * first: anything that is not a JSON object ends the connection as a
 * protocol fault (close code 1007, the reason naming what was wrong), which
 * the node handles like any dropped socket (reconnect with the resumption
 * handle). It also bounds a message's size, which the SDK leaves to `ws`'s
 * 100 MiB default.
 *
 * The SDK does not export its factory type; this matches its shape
 * (`create(url, headers, callbacks)` → `connect/send/close`), checked by the
 * tests against the pinned SDK version.
 */

/** Audio replies come in chunks of well under a megabyte; 16 MiB leaves room for tool payloads. */
export const MAX_LIVE_MESSAGE_BYTES = 16 * 1024 * 1024;

interface SdkSocketCallbacks {
  onopen: () => void;
  onerror: (event: { message?: string }) => void;
  onmessage: (event: { data: unknown }) => void;
  onclose: (event: { code: number; reason: string }) => void;
}

export class GuardedLiveSocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: SdkSocketCallbacks) {
    return new GuardedLiveSocket(url, headers, callbacks);
  }
}

/** Installs the guarded socket on a client's `live` (the SDK offers no option for it). */
export function guardLiveSockets(live: object): void {
  (live as { webSocketFactory: GuardedLiveSocketFactory }).webSocketFactory =
    new GuardedLiveSocketFactory();
}

class GuardedLiveSocket {
  private ws: WebSocket | undefined;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly callbacks: SdkSocketCallbacks,
  ) {}

  connect(): void {
    const ws = new WebSocket(this.url, {
      headers: this.headers,
      maxPayload: MAX_LIVE_MESSAGE_BYTES,
    });
    this.ws = ws;
    let closed = false;
    const close = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      this.callbacks.onclose({ code, reason });
    };
    ws.on('open', () => this.callbacks.onopen());
    ws.on('error', (error) => this.callbacks.onerror({ message: error.message }));
    ws.on('close', (code, reason) => close(code, reason.toString()));
    ws.on('message', (data: Buffer, isBinary) => {
      if (closed) return;
      const text = data.toString('utf8');
      const problem = malformed(text);
      if (problem) {
        ws.terminate();
        close(
          1007,
          `malformed message from the Live API (${isBinary ? 'binary' : 'text'} frame): ${problem}`,
        );
        return;
      }
      this.callbacks.onmessage({ data: text });
    });
  }

  send(message: string): void {
    if (!this.ws) throw new Error('WebSocket is not connected');
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
  }

  close(): void {
    if (!this.ws) throw new Error('WebSocket is not connected');
    this.ws.close();
  }
}

/** Why `text` is not a server message (a JSON object), or undefined when it is one. */
function malformed(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON (${text.length} bytes, starting ${JSON.stringify(text.slice(0, 24))})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`;
  return undefined;
}
