import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** What one direction of the path does to media packets. */
export interface Impairment {
  /** Probability in [0, 1] that a media packet is dropped. */
  loss: number;
  /** Each media packet is held baseMs + uniform(0, jitterMs): independent, so it may reorder. */
  jitterMs: number;
  baseMs?: number;
  /** Seeds the direction's random draws: the same seed drops and delays the same packets. */
  seed: number;
}

export interface DirectionStats {
  /** RTP/RTCP packets seen, dropped, and how many overtook an earlier one. */
  media: number;
  dropped: number;
  reordered: number;
  /** STUN, DTLS (and SCTP inside it): forwarded at once, never dropped. */
  other: number;
}

export const NO_IMPAIRMENT: Impairment = { loss: 0, jitterMs: 0, seed: 1 };

/** mulberry32: a tiny seeded PRNG, enough for reproducible loss patterns. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RFC 7983 demultiplexing: a first byte of 128–191 is RTP or RTCP. */
export function isRtpOrRtcp(packet: Buffer): boolean {
  return packet.length > 0 && packet[0] >= 128 && packet[0] <= 191;
}

class Direction {
  readonly stats: DirectionStats = { media: 0, dropped: 0, reordered: 0, other: 0 };
  private readonly random: () => number;
  /**
   * RTCP draws from its own sequence: werift's reports come at timing-dependent moments, and
   * must not shift which RTP packets of an utterance the main sequence drops.
   */
  private readonly rtcpRandom: () => number;
  /** Order in which media packets entered, and the highest one that has left. */
  private entered = 0;
  private newestSent = 0;

  constructor(
    private readonly impairment: Impairment,
    private readonly timers: Set<NodeJS.Timeout>,
  ) {
    this.random = seededRandom(impairment.seed);
    this.rtcpRandom = seededRandom(impairment.seed ^ 0x5bd1e995);
  }

  pass(packet: Buffer, send: (packet: Buffer) => void): void {
    if (!isRtpOrRtcp(packet)) {
      this.stats.other++;
      send(packet);
      return;
    }
    this.stats.media++;
    // Both draws happen for every packet, so a packet's fate depends only on its position
    // (among RTP packets, or among RTCP ones: RFC 5761 payload types 192–223).
    const random = packet[1] >= 192 && packet[1] <= 223 ? this.rtcpRandom : this.random;
    const drop = random() < this.impairment.loss;
    const delay = (this.impairment.baseMs ?? 0) + random() * this.impairment.jitterMs;
    if (drop) {
      this.stats.dropped++;
      return;
    }
    const order = ++this.entered;
    const forward = () => {
      if (order < this.newestSent) this.stats.reordered++;
      this.newestSent = Math.max(this.newestSent, order);
      send(packet);
    };
    if (delay <= 0) return forward();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      forward();
    }, delay);
    this.timers.add(timer);
  }
}

/**
 * A lossy, jittery UDP hop on loopback, shaped like a NAT: the client sends to `address`,
 * and each client source address gets its own upstream socket towards the server's real
 * candidate, so the server sees the client as a peer-reflexive candidate and answers
 * through the relay. Only RTP/RTCP is impaired (RFC 7983 demux on the first byte): STUN,
 * DTLS and the data channel's SCTP pass untouched, so the call always connects and RTVI
 * stays reliable, and what the test measures is the media path alone. Loss on STUN/DTLS
 * would test ICE/DTLS retransmission timers, which is another subject (and slow to test).
 */
export class UdpImpairmentRelay {
  readonly up: Direction;
  readonly down: Direction;
  private readonly front: Socket;
  /** Client source "ip:port" → its upstream socket. */
  private readonly upstream = new Map<string, Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private target: { address: string; port: number } | undefined;
  private closed = false;

  private constructor(front: Socket, up: Impairment, down: Impairment) {
    this.front = front;
    this.up = new Direction(up, this.timers);
    this.down = new Direction(down, this.timers);
    front.on('message', (packet, from) => this.fromClient(packet, from));
  }

  /** `up` impairs client → server (the microphone), `down` server → client (the bot). */
  static async start(up: Impairment, down: Impairment): Promise<UdpImpairmentRelay> {
    const front = createSocket('udp4');
    // All interfaces: werift gathers no loopback candidate, so peers use the host's address.
    await new Promise<void>((resolve) => front.bind(0, resolve));
    return new UdpImpairmentRelay(front, up, down);
  }

  /** The port clients should send to (on any of this host's IPv4 addresses). */
  get port(): number {
    return this.front.address().port;
  }

  /** The server's real candidate; packets from clients before it is known are dropped. */
  forwardTo(address: string, port: number): void {
    this.target = { address, port };
  }

  get stats(): { up: DirectionStats; down: DirectionStats } {
    return { up: this.up.stats, down: this.down.stats };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of [this.front, ...this.upstream.values()]) socket.close();
    this.upstream.clear();
  }

  private fromClient(packet: Buffer, from: RemoteInfo): void {
    const target = this.target;
    if (!target || this.closed) return;
    const socket = this.upstreamFor(from);
    this.up.pass(packet, (p) => {
      if (!this.closed) socket.send(p, target.port, target.address);
    });
  }

  private upstreamFor(client: RemoteInfo): Socket {
    const key = `${client.address}:${client.port}`;
    let socket = this.upstream.get(key);
    if (socket) return socket;
    socket = createSocket('udp4');
    socket.bind(0);
    socket.on('message', (packet) =>
      this.down.pass(packet, (p) => {
        if (!this.closed) this.front.send(p, client.port, client.address);
      }),
    );
    this.upstream.set(key, socket);
    return socket;
  }
}
