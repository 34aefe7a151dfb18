import {
  MediaStreamTrack,
  type RTCDataChannel,
  type RTCIceServer,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RtpPacket,
} from 'werift';

export interface RtviIn {
  label: string;
  type: string;
  id: string;
  data?: unknown;
  /** Date.now() on arrival. */
  at?: number;
}

export interface SmallWebRtcClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:1234 */
  url: string;
  graph?: string;
  /** Don't create the "chat" channel (a client that never opens it). */
  noDataChannel?: boolean;
  pingMs?: number;
  /** STUN/TURN for the client's peer, and `relay` to use TURN only (a client behind NAT). */
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: 'all' | 'relay';
}

/**
 * A werift peer that behaves like Pipecat's SmallWebRTCTransport on the wire
 * (design §1–2): audio + video transceivers and a "chat" channel, POST the
 * offer with pc_id null, trickle candidates by PATCH, ping every second,
 * trackStatus on open. Collects RTVI messages and received RTP.
 */
export class SmallWebRtcClient {
  readonly pc: RTCPeerConnection;
  readonly micTrack = new MediaStreamTrack({ kind: 'audio' });
  readonly messages: RtviIn[] = [];
  readonly signalling: unknown[] = [];
  readonly rtp: RtpPacket[] = [];
  /** Date.now() when each of `rtp` arrived. */
  readonly rtpAt: number[] = [];
  readonly patches: number[] = [];
  channel: RTCDataChannel | undefined;
  pcId: string | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private readonly pending: Array<Record<string, unknown>> = [];
  private canTrickle = false;

  constructor(private readonly options: SmallWebRtcClientOptions) {
    this.pc = new RTCPeerConnection({
      // Without it werift as the offerer keeps a second ICE transport for the data m-line and
      // never closes its UDP sockets once BUNDLE is answered (a client-side werift leak).
      bundlePolicy: 'max-bundle',
      iceServers: options.iceServers ?? [],
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
        ],
        video: [],
      },
    });
    this.pc.addTransceiver(this.micTrack, { direction: 'sendrecv' });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => {
        this.rtp.push(packet);
        this.rtpAt.push(Date.now());
      });
    });
    this.pc.onIceCandidate.subscribe((c) => {
      if (!c?.candidate) return;
      this.pending.push({
        candidate: c.candidate,
        sdp_mid: c.sdpMid,
        sdp_mline_index: c.sdpMLineIndex,
      });
      if (this.canTrickle) void this.flushCandidates();
    });
    if (!options.noDataChannel) {
      const dc = this.pc.createDataChannel('chat', { ordered: true });
      this.channel = dc;
      dc.stateChanged.subscribe((state) => {
        if (state !== 'open') return;
        for (const index of [0, 1])
          this.sendJson({
            type: 'signalling',
            message: { type: 'trackStatus', receiver_index: index, enabled: index === 0 },
          });
        this.pinger = setInterval(() => this.send(`ping: ${Date.now()}`), options.pingMs ?? 1000);
      });
      dc.onMessage.subscribe((data) => {
        const value = JSON.parse(data.toString()) as RtviIn & { message?: unknown };
        if (value.type === 'signalling') this.signalling.push(value.message);
        else this.messages.push({ ...value, at: Date.now() });
      });
    }
  }

  /**
   * POSTs the offer; resolves with the HTTP status and body (the answer is applied on 200).
   * `restartOf`: re-offer for that pc_id with `restart_pc: true`, as the client does after
   * ICE failure (here from a fresh peer, standing in for the client's new RTCPeerConnection).
   */
  async connect(restartOf?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const query = this.options.graph ? `?graph=${encodeURIComponent(this.options.graph)}` : '';
    const res = await fetch(`${this.options.url}/api/offer${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sdp: this.pc.localDescription?.sdp,
        type: 'offer',
        pc_id: restartOf ?? null,
        restart_pc: restartOf !== undefined,
      }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) return { status: res.status, body };
    this.pcId = body.pc_id as string;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: body.sdp as string });
    this.canTrickle = true;
    await this.flushCandidates();
    return { status: res.status, body };
  }

  send(text: string): void {
    if (this.channel?.readyState === 'open') this.channel.send(text);
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  rtvi(type: string, data?: unknown, id = `c-${type}-${Date.now()}`): string {
    this.sendJson({ label: 'rtvi-ai', type, id, data });
    return id;
  }

  stopPinging(): void {
    clearInterval(this.pinger);
  }

  /** Gone without a goodbye: no pings, and ICE's UDP sockets shut, so no DTLS/SCTP close is sent. */
  async vanish(): Promise<void> {
    this.stopPinging();
    const transports = this.pc.iceTransports as unknown as Array<{
      connection: { protocols: Array<{ close(): Promise<void> }> };
    }>;
    for (const t of transports)
      for (const protocol of t.connection.protocols) await protocol.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.stopPinging();
    await this.pc.close().catch(() => undefined);
  }

  private async flushCandidates(): Promise<void> {
    if (!this.pcId || this.pending.length === 0) return;
    const candidates = this.pending.splice(0);
    const res = await fetch(`${this.options.url}/api/offer`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pc_id: this.pcId, candidates }),
    });
    this.patches.push(res.status);
    await res.text();
  }
}
