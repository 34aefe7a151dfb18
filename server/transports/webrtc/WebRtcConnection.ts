import {
  MediaStreamTrack,
  type RTCIceServer,
  RTCPeerConnection,
  RTCRtpCodecParameters,
} from 'werift';
import type { Logger } from '#engine';
import type { SessionManager } from '../../sessions/SessionManager.ts';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { openTransportSession } from '../openTransportSession.ts';
import { RtviSession } from '../pipecat/RtviSession.ts';
import type { CandidateBody } from './offerBodies.ts';
import { RtpAudioReceiver } from './RtpAudioReceiver.ts';
import { RtpAudioSender } from './RtpAudioSender.ts';
import { RtviDataChannel } from './RtviDataChannel.ts';

export const WEBRTC_TRANSPORT = 'pipecat-webrtc';

/** How long each stage of a connection's life may take (design §3.5); tests shorten them. */
export interface WebRtcTimeouts {
  /** From the answer to ICE + DTLS `connected`. */
  connectMs: number;
  /** From `connected` to the "chat" data channel open. */
  dataChannelMs: number;
  /** Silence on the data channel (the client pings every second) before the peer counts as gone. */
  pingMs: number;
  /** How long the answer waits for ICE gathering to complete. */
  gatheringMs: number;
}

export const DEFAULT_WEBRTC_TIMEOUTS: WebRtcTimeouts = {
  connectMs: 15_000,
  dataChannelMs: 10_000,
  pingMs: 5_000,
  gatheringMs: 3_000,
};

export interface WebRtcConnectionOptions {
  pcId: string;
  graphName: string;
  sessions: SessionManager;
  logger: Logger;
  redact: (text: string) => string;
  version: string;
  maxMessageBytes: number;
  iceServers: RTCIceServer[];
  timeouts: WebRtcTimeouts;
  /** Rate the graph expects microphone audio at (as on /ws/pipecat). */
  inputSampleRate?: number;
  /** Called once, from close(): the registry forgets the pc, admission is released. */
  onClosed(connection: WebRtcConnection): void;
}

/** Trickled candidates applied at once, per pc; werift can sit on an mDNS one for ~30 s. */
const MAX_CANDIDATES_IN_FLIGHT = 200;

/**
 * One SmallWebRTC peer: a werift RTCPeerConnection answering the client's
 * offer, Opus audio both ways, RTVI over the client's "chat" data channel, and
 * a Parley session behind it. Every way it can end — ICE never connects, the
 * channel never opens, pings stop, the client closes, the session ends, the
 * server shuts down — goes through one idempotent `close(reason)`.
 */
export class WebRtcConnection {
  readonly pcId: string;
  private readonly pc: RTCPeerConnection;
  private readonly rtvi: RtviSession;
  private readonly channel: RtviDataChannel;
  private readonly inbound: AudioRateConverter;
  private readonly inputRate: number;
  private readonly logger: Logger;
  private sender: RtpAudioSender | undefined;
  private receiver: RtpAudioReceiver | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: Array<() => void> = [];
  private connectTimer: NodeJS.Timeout | undefined;
  private channelTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private candidatesInFlight = 0;
  private started = false;
  private closed = false;
  /** receiver_index → enabled, from the client's trackStatus messages (0 is the mic). */
  readonly trackStatus = new Map<number, boolean>();

  constructor(private readonly options: WebRtcConnectionOptions) {
    this.pcId = options.pcId;
    this.logger = options.logger.child({ pcId: options.pcId });
    this.inputRate = options.inputSampleRate ?? 16000;
    this.inbound = new AudioRateConverter(this.inputRate);
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
        ],
        // Audio only: the client's video m-lines are answered rejected (port 0).
        video: [],
      },
    });
    this.rtvi = new RtviSession({
      logger: this.logger,
      redact: options.redact,
      version: options.version,
      send: (message) => this.channel.send(message),
      onAudioOut: (frame) => this.sender?.push(frame.audio, frame.sampleRate),
      onInterrupt: () => this.sender?.clear(),
      onDisconnectBeforeStart: (reason) => this.close(reason),
    });
    this.channel = new RtviDataChannel(
      {
        onPing: () => this.pingTimer?.refresh(),
        onSignalling: (message) => this.onSignalling(message),
        onMessage: (value) => this.rtvi.onValue(value),
        onRefused: (problem) => this.rtvi.refuse(problem),
        onOpen: () => this.onChannelOpen(),
        onClose: () => this.close('client disconnected'),
      },
      { logger: this.logger, maxMessageBytes: options.maxMessageBytes },
    );
    this.subscribePeer();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Answers an offer (the first, or a renegotiation on the same pc), with every candidate in it. */
  async answer(sdp: string): Promise<{ sdp: string; type: 'answer' }> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    if (!this.sender) this.attachAudio();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    const local = this.pc.localDescription;
    if (!local || this.closed) throw new Error('peer connection closed while answering');
    if (!this.connectTimer) {
      this.connectTimer = this.timer(this.options.timeouts.connectMs, () =>
        this.close(`ICE/DTLS did not connect within ${this.options.timeouts.connectMs / 1000} s`),
      );
    }
    return { sdp: local.sdp, type: 'answer' };
  }

  /** Opens the Parley session; the HTTP answer does not wait for models to load. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.open();
  }

  /** Trickled candidates: applied without waiting (see MAX_CANDIDATES_IN_FLIGHT). */
  addCandidates(candidates: CandidateBody[]): void {
    for (const c of candidates) {
      // An empty candidate is the end-of-candidates marker: nothing for werift to do.
      if (this.closed || c.candidate === '') continue;
      if (this.candidatesInFlight >= MAX_CANDIDATES_IN_FLIGHT) return;
      this.candidatesInFlight++;
      this.pc
        .addIceCandidate({
          candidate: c.candidate,
          sdpMid: c.sdpMid,
          sdpMLineIndex: c.sdpMLineIndex,
        })
        .catch((error: unknown) =>
          this.logger.debug({ err: String(error).slice(0, 200) }, 'ICE candidate refused'),
        )
        .finally(() => this.candidatesInFlight--);
    }
  }

  /** Ends everything this peer holds; idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.debug({ reason }, 'webrtc connection closing');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.channel.close({ type: 'peerLeft' });
    this.sender?.stop();
    this.receiver?.stop();
    this.inbound.destroy();
    this.rtvi.close(reason);
    // The goodbye goes out on the next tick into SCTP; give it a moment before DTLS goes.
    setTimeout(() => {
      this.pc.close().catch((error: unknown) => {
        this.logger.debug({ err: String(error).slice(0, 200) }, 'pc.close failed');
      });
    }, 50).unref();
    this.options.onClosed(this);
  }

  private async open(): Promise<void> {
    const session = await openTransportSession({
      sessions: this.options.sessions,
      graph: this.options.graphName,
      transport: WEBRTC_TRANSPORT,
      close: (reason) => this.close(reason),
      logger: this.logger,
      isClosed: () => this.closed,
      onStartFailed: (problem) => {
        this.rtvi.reportStartFailure(problem);
        // Let the queued error reach the client before the goodbye.
        this.timer(100, () => this.close('start failed'));
      },
      onEnded: (reason) => this.close(reason),
    });
    if (session) this.rtvi.attach(session);
  }

  private subscribePeer(): void {
    const subs = [
      this.pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') this.onConnected();
        else if (state === 'failed') this.close('ICE/DTLS connection failed');
        else if (state === 'closed') this.close('peer connection closed');
      }),
      this.pc.onDataChannel.subscribe((dc) => {
        if (dc.label !== 'chat') {
          dc.close();
          return;
        }
        this.channel.attach(dc);
      }),
      this.pc.onTrack.subscribe((track) => {
        if (track.kind !== 'audio' || this.receiver || this.closed) return;
        this.receiver = new RtpAudioReceiver(track, (pcm) => this.onMicAudio(pcm), {
          logger: this.logger,
        });
      }),
    ];
    for (const sub of subs) this.unsubscribe.push(() => sub.unSubscribe());
  }

  /** Our send track on the client's first (audio) transceiver, answered sendrecv. */
  private attachAudio(): void {
    const audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!audio) throw new OfferError('offer has no audio m-line');
    const track = new MediaStreamTrack({ kind: 'audio' });
    void audio.sender.replaceTrack(track);
    audio.setDirection('sendrecv');
    this.sender = new RtpAudioSender(track, { logger: this.logger });
  }

  private gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        sub.unSubscribe();
        clearTimeout(t);
        this.timers.delete(t);
        resolve();
      };
      const sub = this.pc.iceGatheringStateChange.subscribe((g) => {
        if (g === 'complete') done();
      });
      const t = this.timer(this.options.timeouts.gatheringMs, done);
    });
  }

  private onConnected(): void {
    if (this.closed) return;
    this.clear(this.connectTimer);
    this.sender?.start();
    if (!this.channel.isOpen && !this.channelTimer) {
      this.channelTimer = this.timer(this.options.timeouts.dataChannelMs, () =>
        this.close(
          `data channel did not open within ${this.options.timeouts.dataChannelMs / 1000} s`,
        ),
      );
    }
  }

  private onChannelOpen(): void {
    if (this.closed) return;
    this.clear(this.channelTimer);
    if (!this.pingTimer) {
      this.pingTimer = this.timer(this.options.timeouts.pingMs, () =>
        this.close(`no ping from the client for ${this.options.timeouts.pingMs / 1000} s`),
      );
    }
  }

  private onSignalling(message: unknown): void {
    const fields = (typeof message === 'object' && message !== null ? message : {}) as Record<
      string,
      unknown
    >;
    if (
      fields.type === 'trackStatus' &&
      Number.isInteger(fields.receiver_index) &&
      typeof fields.enabled === 'boolean'
    ) {
      this.trackStatus.set(fields.receiver_index as number, fields.enabled);
      return;
    }
    this.logger.debug({ type: String(fields.type).slice(0, 40) }, 'ignored signalling message');
  }

  private onMicAudio(pcm: Int16Array): void {
    // The browser sends (near) silence while muted; trackStatus only says so.
    this.inbound.convert(pcm, 48000, (converted) =>
      this.rtvi.whenStarted((s) =>
        s.push(s.runner.createFrame('audio.in', { audio: converted, sampleRate: this.inputRate })),
      ),
    );
  }

  private timer(ms: number, run: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      run();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clear(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }
}

/** The offer is well-formed SDP but not something this transport can answer: a 400. */
export class OfferError extends Error {
  override name = 'OfferError';
}
