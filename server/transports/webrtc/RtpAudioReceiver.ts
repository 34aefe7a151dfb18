import type { MediaStreamTrack, RtpPacket } from 'werift';
import { type Logger, OPUS_RATE, OpusCodec } from '#engine';

export interface RtpAudioReceiverOptions {
  logger: Logger;
  /** Packets held for a late one before it is declared lost (default 3, i.e. 60 ms at 20 ms). */
  reorderWindow?: number;
  /**
   * Rate of the PCM handed out (default 48 kHz; one of OPUS_PCM_RATES). libopus decodes
   * straight to it, so a 16 kHz graph needs no resampler.
   */
  sampleRate?: number;
}

export interface RtpAudioReceiverStats {
  packets: number;
  decoded: number;
  /** Frames filled in by packet-loss concealment: lost packets and ones that would not decode. */
  concealed: number;
  duplicates: number;
  /** Arrived after their slot was already concealed or played. */
  late: number;
  /** Payloads libopus rejected (or empty ones). */
  invalid: number;
  /** Sequence jumps too large to be loss (a restarted sender): followed without concealment. */
  resyncs: number;
}

/** Past this many packets (2 s at 20 ms) a jump is not loss but a new stream. */
const RESYNC_DISTANCE = 100;

/**
 * The browser's microphone: Opus RTP in, mono PCM out (at `sampleRate`), in sequence order. A small
 * reorder window (≤ 60 ms) absorbs network reordering without adding latency to the normal
 * case (in-order packets go straight through). A packet that does not arrive within the
 * window is concealed with libopus's PLC — the graph's clock (VAD, STT timing) counts
 * samples, so a gap must still produce audio of the right length. Nothing here throws into
 * werift: bad payloads are counted and concealed.
 */
export class RtpAudioReceiver {
  readonly stats: RtpAudioReceiverStats = {
    packets: 0,
    decoded: 0,
    concealed: 0,
    duplicates: 0,
    late: 0,
    invalid: 0,
    resyncs: 0,
  };
  private readonly codec: OpusCodec;
  private readonly logger: Logger;
  private readonly window: number;
  /** Waiting for the packet before them, by sequence number. */
  private readonly held = new Map<number, Buffer>();
  /** The sequence number to emit next; undefined until the first packet. */
  private expected: number | undefined;
  /** Samples in the last decoded frame: what one lost packet is concealed with. */
  private frameSamples: number;
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    track: Pick<MediaStreamTrack, 'onReceiveRtp'>,
    private readonly onAudio: (pcm: Int16Array, sampleRate: number) => void,
    options: RtpAudioReceiverOptions,
  ) {
    this.logger = options.logger;
    this.codec = new OpusCodec(options.sampleRate ?? OPUS_RATE);
    this.frameSamples = this.codec.frameSamples;
    this.window = Math.max(0, options.reorderWindow ?? 3);
    const subscription = track.onReceiveRtp.subscribe((rtp: RtpPacket) => this.receive(rtp));
    this.unsubscribe = () => subscription.unSubscribe();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    this.held.clear();
    this.codec.destroy();
  }

  private receive(rtp: RtpPacket): void {
    if (this.stopped) return;
    this.stats.packets++;
    const seq = rtp.header.sequenceNumber;
    if (this.expected === undefined) this.expected = seq;
    const distance = seqDistance(this.expected, seq);
    if (Math.abs(distance) > RESYNC_DISTANCE) {
      // Play out what is held, then follow the new numbering.
      this.stats.resyncs++;
      const from = this.expected;
      const order = [...this.held.keys()].sort(
        (a, b) => seqDistance(from, a) - seqDistance(from, b),
      );
      for (const next of order) this.play(this.held.get(next)!);
      this.held.clear();
      this.expected = seq;
    } else if (distance < 0) {
      this.stats.late++;
      return;
    } else if (this.held.has(seq)) {
      this.stats.duplicates++;
      return;
    }
    this.held.set(seq, rtp.payload);
    this.drain();
  }

  /** Emits everything in order, concealing the missing packet once the window is exceeded. */
  private drain(): void {
    while (this.held.size > 0 && this.expected !== undefined && !this.stopped) {
      const payload = this.held.get(this.expected);
      if (payload) {
        this.held.delete(this.expected);
        this.play(payload);
      } else if (this.newestHeldDistance() >= this.window) {
        this.stats.concealed++;
        this.emit(this.conceal());
      } else {
        return; // wait for the missing one
      }
      this.expected = (this.expected + 1) & 0xffff;
    }
  }

  private newestHeldDistance(): number {
    let newest = 0;
    for (const seq of this.held.keys()) newest = Math.max(newest, seqDistance(this.expected!, seq));
    return newest;
  }

  private play(payload: Buffer): void {
    if (this.stopped) return; // the consumer stopped us mid-drain: the codec is gone
    let pcm: Int16Array;
    try {
      pcm = this.codec.decode(payload);
      this.stats.decoded++;
      if (pcm.length > 0) this.frameSamples = pcm.length;
    } catch (error) {
      if (this.stats.invalid === 0) {
        this.logger.warn({ err: error, bytes: payload.length }, 'webrtc: undecodable Opus packet');
      }
      this.stats.invalid++;
      this.stats.concealed++;
      pcm = this.conceal();
    }
    this.emit(pcm);
  }

  /** Concealment, or silence if even that fails: this runs inside werift's RTP callback. */
  private conceal(): Int16Array {
    try {
      return this.codec.conceal(this.frameSamples);
    } catch (error) {
      this.logger.error({ err: error }, 'webrtc: Opus concealment failed; inserting silence');
      return new Int16Array(this.frameSamples);
    }
  }

  private emit(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    try {
      this.onAudio(pcm, this.codec.sampleRate);
    } catch (error) {
      // A consumer's bug must not surface inside werift's RTP path.
      this.logger.error({ err: error }, 'webrtc: inbound audio consumer threw');
    }
  }
}

/** `to - from` in 16-bit sequence space, in (-32768, 32768]. */
function seqDistance(from: number, to: number): number {
  const d = (to - from) & 0xffff;
  return d > 0x8000 ? d - 0x10000 : d;
}
