import type { WebRtcTimeouts } from './WebRtcConnection.ts';

export interface PeerDeadlineHandlers {
  /** A stage took too long: the session ends. */
  expired(reason: string): void;
  /** The peer looks gone (pings stopped, ICE disconnected/failed): the grace window starts. */
  lost(reason: string): void;
}

/**
 * The deadlines of one werift peer (design §3.5): connect after the answer,
 * open "chat" after connected, a ping every `pingMs`, and the restart grace
 * window. A restart replaces the peer, so `reset()` drops them all at once,
 * and the session's own timers are not mixed in with them.
 */
export class PeerDeadlines {
  private connect: NodeJS.Timeout | undefined;
  private channel: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  private grace: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeouts: WebRtcTimeouts,
    private readonly handlers: PeerDeadlineHandlers,
  ) {}

  get inGrace(): boolean {
    return this.grace !== undefined;
  }

  answered(): void {
    const { connectMs } = this.timeouts;
    this.connect ??= this.after(connectMs, () => {
      this.connect = undefined;
      this.handlers.expired(`ICE/DTLS did not connect within ${connectMs / 1000} s`);
    });
  }

  connected(channelOpen: boolean): void {
    this.connect = this.stop(this.connect);
    this.grace = this.stop(this.grace);
    if (channelOpen) return;
    const { dataChannelMs } = this.timeouts;
    this.channel ??= this.after(dataChannelMs, () => {
      this.channel = undefined;
      this.handlers.expired(`data channel did not open within ${dataChannelMs / 1000} s`);
    });
  }

  channelOpened(): void {
    this.channel = this.stop(this.channel);
    if (!this.ping) this.armPing();
  }

  /** A ping arrived: after a lapse (a brief network stall) the peer is back. */
  pinged(): void {
    this.grace = this.stop(this.grace);
    if (this.ping) this.ping.refresh();
    else this.armPing();
  }

  /** Starts the grace window unless it already runs; `expired` when it ends. */
  startGrace(reason: string): void {
    this.grace ??= this.after(this.timeouts.graceMs, () => {
      this.grace = undefined;
      this.handlers.expired(reason);
    });
  }

  reset(): void {
    this.connect = this.stop(this.connect);
    this.channel = this.stop(this.channel);
    this.ping = this.stop(this.ping);
    this.grace = this.stop(this.grace);
  }

  private armPing(): void {
    const { pingMs } = this.timeouts;
    this.ping = this.after(pingMs, () => {
      this.ping = undefined;
      this.handlers.lost(`no ping from the client for ${pingMs / 1000} s`);
    });
  }

  private after(ms: number, run: () => void): NodeJS.Timeout {
    return setTimeout(run, ms);
  }

  private stop(t: NodeJS.Timeout | undefined): undefined {
    clearTimeout(t);
    return undefined;
  }
}
