import { WebSocket } from 'ws';
import type { LiveMessage } from '../../../server/api/liveMessages.ts';

/** Collects what /ws/live streams. */
export class LiveSocket {
  readonly messages: LiveMessage[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.messages.push(JSON.parse(data.toString()) as LiveMessage),
    );
    ws.on('close', () => {
      this.closed = true;
    });
  }

  static open(url: string): Promise<LiveSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new LiveSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  of<T extends LiveMessage['type']>(type: T): Array<Extract<LiveMessage, { type: T }>> {
    return this.messages.filter((m): m is Extract<LiveMessage, { type: T }> => m.type === type);
  }

  /** Waits for a message of `type` matching `match`, among those from index `from` of all messages. */
  async waitFor<T extends LiveMessage['type']>(
    type: T,
    match: (m: Extract<LiveMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
    from = 0,
  ): Promise<Extract<LiveMessage, { type: T }>> {
    const start = Date.now();
    for (;;) {
      const found = this.messages
        .slice(from)
        .filter((m): m is Extract<LiveMessage, { type: T }> => m.type === type)
        .find(match);
      if (found) return found;
      if (Date.now() - start > timeoutMs)
        throw new Error(
          `timed out waiting for live '${type}'; got ${this.messages.map((m) => m.type).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}
