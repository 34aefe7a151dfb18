import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { sendBounded } from '../../net/sendBounded.ts';

export type RealtimeServerEvent = { type: string } & Record<string, unknown>;

/**
 * Sends server events, each with its `event_id`, and mints the ids of items,
 * responses, calls. Every event to the client leaves through `send()`, which
 * drops a client that stopped reading (sendBounded: close 4503) rather than
 * queue for it without bound — a `conversation.item.retrieve` of a large item
 * costs the client 50 bytes and the server the whole item.
 */
export class RealtimeEventSender {
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;
  /** Every event sent, for tests and debugging; off by default. */
  readonly log: RealtimeServerEvent[] | undefined;

  constructor(
    private readonly ws: WebSocket,
    options: { keepLog?: boolean } = {},
  ) {
    this.log = options.keepLog ? [] : undefined;
  }

  id(kind: 'event' | 'item' | 'resp' | 'call' | 'sess' | 'conv'): string {
    return `${kind}_${this.prefix}${(++this.counter).toString(36)}`;
  }

  send(event: RealtimeServerEvent): void {
    const full = { event_id: this.id('event'), ...event };
    this.log?.push(full);
    if (this.ws.readyState === this.ws.OPEN) sendBounded(this.ws, JSON.stringify(full));
  }

  /** The Realtime error event; `event_id` inside names the client event that caused it. */
  error(
    message: string,
    options: { code?: string; type?: string; param?: string; clientEventId?: string } = {},
  ): void {
    this.send({
      type: 'error',
      error: {
        type: options.type ?? 'invalid_request_error',
        code: options.code ?? null,
        message,
        param: options.param ?? null,
        event_id: options.clientEventId ?? null,
      },
    });
  }
}
