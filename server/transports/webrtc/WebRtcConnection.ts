import {
  MediaStreamTrack,
  type RTCIceServer,
  RTCPeerConnection,
  RTCRtpCodecParameters,
} from 'werift';
import { type Logger, OPUS_PCM_RATES, OPUS_RATE } from '#engine';
import type { SessionManager } from '../../sessions/SessionManager.ts';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { openTransportSession } from '../openTransportSession.ts';
import { RtviSession } from '../pipecat/RtviSession.ts';
import type { CandidateBody } from './offerBodies.ts';
import { PeerDeadlines } from './PeerDeadlines.ts';
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
  /**
   * After `disconnected`/`failed` or lost pings, how long the session waits for the
   * client's restart offer (`restart_pc: true`) before it ends.
   */
  graceMs: number;
}

export const DEFAULT_WEBRTC_TIMEOUTS: WebRtcTimeouts = {
  connectMs: 15_000,
  dataChannelMs: 10_000,
  pingMs: 5_000,
  gatheringMs: 3_000,
  // The client re-offers after ICE `failed` or 5 s `disconnected` (design §2.5).
  graceMs: 10_000,
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
  /** Trickled candidates one peer may send in all; beyond it PATCH is refused. */
  maxCandidates?: number;
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
  private pc: RTCPeerConnection;
  private readonly rtvi: RtviSession;
  private readonly channel: RtviDataChannel;
  /** Passes audio through untouched when libopus decodes straight to the graph's rate. */
  private readonly inbound: AudioRateConverter;
  private readonly inputRate: number;
  /** The rate the mic is decoded at: the graph's, when libopus can decode to it. */
  private readonly decodeRate: number;
  private readonly logger: Logger;
  private sender: RtpAudioSender | undefined;
  private receiver: RtpAudioReceiver | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** werift subscriptions on the current peer; a restart drops them with the peer. */
  private readonly unsubscribe: Array<() => void> = [];
  private readonly deadlines: PeerDeadlines;
  private candidatesInFlight = 0;
  /** Candidates this peer has sent in all (reset by a restart: a new peer gathers anew). */
  private candidatesReceived = 0;
  private started = false;
  private closed = false;
  /** receiver_index → enabled, from the client's trackStatus messages (0 is the mic). */
  readonly trackStatus = new Map<number, boolean>();

  constructor(private readonly options: WebRtcConnectionOptions) {
    this.pcId = options.pcId;
    this.logger = options.logger.child({ pcId: options.pcId });
    this.inputRate = options.inputSampleRate ?? 16000;
    this.inbound = new AudioRateConverter(this.inputRate);
    this.decodeRate = OPUS_PCM_RATES.has(this.inputRate) ? this.inputRate : OPUS_RATE;
    this.pc = this.newPeer();
    this.deadlines = new PeerDeadlines(options.timeouts, {
      expired: (reason) => this.close(reason),
      lost: (reason) => this.lost(reason),
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
        onPing: () => this.deadlines.pinged(),
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
    this.deadlines.answered();
    return { sdp: local.sdp, type: 'answer' };
  }

  /**
   * The client's restart (`restart_pc: true`): a new werift peer for the same
   * session. The old peer's events are dropped before it closes, so its end
   * does not end the session; RTVI said meanwhile waits in the channel queue.
   */
  async restart(sdp: string): Promise<{ sdp: string; type: 'answer' }> {
    if (this.closed) throw new Error('peer connection closed');
    this.logger.debug({}, 'webrtc peer restarting');
    this.dropPeer();
    this.pc = this.newPeer();
    this.subscribePeer();
    return this.answer(sdp);
  }

  /** Opens the Parley session; the HTTP answer does not wait for models to load. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.open();
  }

  /**
   * Trickled candidates: applied without waiting (see MAX_CANDIDATES_IN_FLIGHT).
   * False, with nothing applied, once the peer's total would pass `maxCandidates`.
   */
  addCandidates(candidates: CandidateBody[]): boolean {
    const max = this.options.maxCandidates ?? Number.POSITIVE_INFINITY;
    if (this.candidatesReceived + candidates.length > max) return false;
    this.candidatesReceived += candidates.length;
    for (const c of candidates) {
      // An empty candidate is the end-of-candidates marker: nothing for werift to do.
      if (this.closed || c.candidate === '') continue;
      if (this.candidatesInFlight >= MAX_CANDIDATES_IN_FLIGHT) break;
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
    return true;
  }

  /** Ends everything this peer holds; idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.debug({ reason }, 'webrtc connection closing');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deadlines.reset();
    for (const off of this.unsubscribe.splice(0)) off();
    this.channel.close({ type: 'peerLeft' });
    this.sender?.stop();
    this.receiver?.stop();
    this.inbound.destroy();
    this.rtvi.close(reason);
    // The goodbye goes out on the next tick into SCTP; give it a moment before DTLS goes.
    this.closePeer(this.pc, 50);
    this.options.onClosed(this);
  }

  private newPeer(): RTCPeerConnection {
    return new RTCPeerConnection({
      iceServers: this.options.iceServers,
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
        ],
        // Audio only: the client's video m-lines are answered rejected (port 0).
        video: [],
      },
    });
  }

  /** Detaches everything tied to the current peer (not the session) and closes it. */
  private dropPeer(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.deadlines.reset();
    this.channel.detach();
    this.sender?.stop();
    this.receiver?.stop();
    this.sender = this.receiver = undefined;
    this.candidatesReceived = 0;
    this.closePeer(this.pc, 0);
  }

  private closePeer(pc: RTCPeerConnection, delayMs: number): void {
    setTimeout(() => {
      pc.close().catch((error: unknown) => {
        this.logger.debug({ err: String(error).slice(0, 200) }, 'pc.close failed');
      });
    }, delayMs).unref();
  }

  /** The peer looks gone; a restart offer within `graceMs` keeps the session. */
  private lost(reason: string): void {
    if (this.closed || this.deadlines.inGrace) return;
    this.logger.debug({ reason }, 'webrtc peer lost; waiting for a restart');
    this.deadlines.startGrace(reason);
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
        else if (state === 'failed') this.lost('ICE/DTLS connection failed');
        else if (state === 'disconnected') this.lost('ICE disconnected');
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
          sampleRate: this.decodeRate,
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
    this.sender?.start();
    this.deadlines.connected(this.channel.isOpen);
  }

  private onChannelOpen(): void {
    if (!this.closed) this.deadlines.channelOpened();
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
    this.inbound.convert(pcm, this.decodeRate, (converted) =>
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
}

/** The offer is well-formed SDP but not something this transport can answer: a 400. */
export class OfferError extends Error {
  override name = 'OfferError';
}
