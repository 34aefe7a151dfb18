import type { RTCDataChannel } from 'werift';
import type { Logger } from '#engine';
import type { RtviMessage } from '../pipecat/rtvi.ts';

export interface RtviDataChannelHandlers {
  /** `ping: <ms>` text from the client (every second while open). */
  onPing(): void;
  /** `{type: "signalling", message}` from the client (trackStatus, …). */
  onSignalling(message: unknown): void;
  /** Any other text: RTVI JSON (already parsed) or a refusal to send back. */
  onMessage(value: unknown): void;
  onRefused(problem: string): void;
  onOpen(): void;
  onClose(): void;
}

export interface RtviDataChannelOptions {
  logger: Logger;
  maxMessageBytes: number;
}

/** Messages waiting for the channel to open (or for the next tick); beyond this the oldest go. */
const MAX_QUEUED = 500;
/** Above this many bytes buffered in SCTP the client is not reading: drop rather than grow. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The SmallWebRTC `"chat"` data channel as an RTVI pipe. Outbound messages
 * are queued and flushed on a timer tick, never sent synchronously inside
 * werift's onMessage: a reply sent from there can sit in werift's SCTP queue
 * for ~1 s (design §3.4, measured in the browser spike).
 */
export class RtviDataChannel {
  private channel: RTCDataChannel | undefined;
  private readonly queue: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly handlers: RtviDataChannelHandlers,
    private readonly options: RtviDataChannelOptions,
  ) {}

  get isOpen(): boolean {
    return this.channel?.readyState === 'open';
  }

  /** The client's channel arrived (werift's onDataChannel). */
  attach(channel: RTCDataChannel): void {
    if (this.closed || this.channel) {
      channel.close();
      return;
    }
    this.channel = channel;
    const subs = [
      channel.onMessage.subscribe((data) => this.onData(data)),
      channel.stateChanged.subscribe((state) => {
        if (state === 'open') this.opened();
        else if (state === 'closed' || state === 'closing') this.handlers.onClose();
      }),
    ];
    for (const sub of subs) this.unsubscribe.push(() => sub.unSubscribe());
    if (channel.readyState === 'open') this.opened();
  }

  /**
   * A restart swaps the peer: forget the old channel but keep the queue, so
   * RTVI said while the client reconnects reaches it on the new channel.
   */
  detach(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
    this.channel = undefined;
  }

  send(message: RtviMessage): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) this.queue.shift();
    this.queue.push(JSON.stringify(message));
    this.scheduleFlush();
  }

  /** Stops, saying a last signalling message if the channel is open; idempotent. */
  close(goodbye?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.queue.length = 0;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.channel && this.isOpen && goodbye !== undefined) {
      // Deferred like every send: close() can run inside werift's onMessage (disconnect-bot).
      const text = JSON.stringify({ type: 'signalling', message: goodbye });
      setTimeout(() => this.trySend(text), 1);
    }
  }

  private opened(): void {
    this.handlers.onOpen();
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || !this.isOpen || this.queue.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 1);
  }

  private flush(): void {
    if (this.closed || !this.isOpen) return;
    for (const text of this.queue.splice(0)) {
      if ((this.channel?.bufferedAmount ?? 0) > MAX_BUFFERED_BYTES) {
        this.options.logger.debug({}, 'data channel backed up: dropping an RTVI message');
        continue;
      }
      this.trySend(text);
    }
  }

  private trySend(text: string): void {
    try {
      this.channel?.send(text);
    } catch (error) {
      this.options.logger.debug({ err: String(error) }, 'data channel send failed');
    }
  }

  private onData(data: string | Buffer): void {
    if (this.closed) return;
    if (typeof data !== 'string') {
      this.handlers.onRefused('binary data channel messages are not supported; send JSON text');
      return;
    }
    if (data.length > this.options.maxMessageBytes) {
      this.handlers.onRefused(
        `message of ${data.length} characters exceeds the limit of ${this.options.maxMessageBytes}`,
      );
      return;
    }
    if (data.startsWith('ping')) {
      this.handlers.onPing();
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.handlers.onRefused('message is not valid JSON');
      return;
    }
    const fields = typeof value === 'object' && value !== null ? value : {};
    if ('type' in fields && fields.type === 'signalling') {
      this.handlers.onSignalling('message' in fields ? fields.message : undefined);
      return;
    }
    this.handlers.onMessage(value);
  }
}
