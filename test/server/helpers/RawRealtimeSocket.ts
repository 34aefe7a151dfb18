/**
 * A bare `ws` client of /v1/realtime: sends anything (including what no SDK
 * would), records every server event in a RealtimeEventLog.
 */
import { type ClientOptions, WebSocket } from 'ws';
import { RealtimeEventLog } from './RealtimeEventLog.ts';

export class RawRealtimeSocket {
  readonly log = new RealtimeEventLog();
  closed: { code: number; reason: string } | undefined;
  private readonly closing: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.log.record(JSON.parse(data.toString()) as { type: string }),
    );
    this.closing = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      });
    });
  }

  static open(
    url: string,
    protocols: string[] = [],
    options: ClientOptions = {},
  ): Promise<RawRealtimeSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      const socket = new RawRealtimeSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Opens and waits for `session.created` (the graph has started). */
  static async ready(
    url: string,
    protocols: string[] = [],
    options: ClientOptions = {},
  ): Promise<RawRealtimeSocket> {
    const socket = await RawRealtimeSocket.open(url, protocols, options);
    await socket.log.next('session.created', { timeoutMs: 20_000 });
    return socket;
  }

  /** An event object is sent as JSON; a string or bytes as they are. */
  send(event: Record<string, unknown> | string | Buffer): void {
    this.ws.send(
      typeof event === 'string' || Buffer.isBuffer(event) ? event : JSON.stringify(event),
    );
  }

  /** Sends and returns the first `error` event that follows. */
  async sendForError(event: Record<string, unknown> | string | Buffer): Promise<{
    type: string;
    code: string | null;
    message: string;
    param: string | null;
    event_id: string | null;
  }> {
    const from = this.log.mark;
    this.send(event);
    const reply = await this.log.next('error', { from });
    return reply.error;
  }

  waitClosed(): Promise<{ code: number; reason: string }> {
    return this.closing;
  }

  close(): Promise<unknown> {
    if (!this.closed) this.ws.close();
    return this.closing;
  }
}
