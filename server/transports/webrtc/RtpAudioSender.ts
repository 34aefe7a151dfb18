import { randomInt } from 'node:crypto';
import type { MediaStreamTrack } from 'werift';
import { RtpHeader, RtpPacket } from 'werift';
import { type Clock, type Logger, realClock, type TimerHandle } from '#engine';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { OPUS_FRAME, OPUS_RATE, OPUS_SILENCE_FRAME, OpusCodec } from './OpusCodec.ts';

export interface RtpAudioSenderOptions {
  logger: Logger;
  clock?: Clock;
  /** Audio held ahead of the wire (default 1000 ms); beyond it the oldest is dropped. */
  maxQueueMs?: number;
}

export interface RtpAudioSenderStats {
  packets: number;
  /** Packets that carried no queued audio (the RTP clock kept running). */
  silencePackets: number;
  /** 20 ms frames dropped because the queue was full. */
  droppedFrames: number;
  /** Ticks skipped after the event loop stalled (their time passes in the RTP timestamp). */
  skippedFrames: number;
  /** Frames the encoder failed on (sent as silence instead). */
  encodeErrors: number;
}

const FRAME_MS = 20;
/** Frames sent in one go to catch up after a late timer; more than this is skipped, not burst. */
const MAX_CATCH_UP = 3;
/** Idle frames encoded from real zeros before the constant silence frame: the encoder fades out. */
const FADE_FRAMES = 2;

/**
 * Bot audio to the browser: any rate in, 48 kHz Opus RTP out, one packet per 20 ms on an
 * absolute schedule (t0 + n·20 ms, so timer jitter never accumulates). The graph already
 * paces audio in real time; this only re-chunks it. When nothing is queued a silence packet
 * goes out instead, like Pipecat's auto_silence: browsers' jitter buffers handle a
 * continuous stream better than gaps, and after `clear()` the very next packet is silence.
 * Sequence numbers and timestamps start at random values (RFC 3550) and are ours; werift
 * sets the SSRC and payload type it negotiated.
 */
export class RtpAudioSender {
  readonly stats: RtpAudioSenderStats = {
    packets: 0,
    silencePackets: 0,
    droppedFrames: 0,
    skippedFrames: 0,
    encodeErrors: 0,
  };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxFrames: number;
  private readonly codec = new OpusCodec();
  private readonly converter = new AudioRateConverter(OPUS_RATE);
  private readonly queue: Int16Array[] = [];
  private partial = new Int16Array(OPUS_FRAME);
  private partialLength = 0;
  /** Audio arrived since the last tick: a partial frame may still be completed. */
  private arrived = false;
  private sequenceNumber = randomInt(0x10000);
  private timestamp = randomInt(0x100000000);
  private idleFrames = FADE_FRAMES;
  private t0 = 0;
  /** Ticks of the schedule accounted for (sent or skipped) since `start()`. */
  private ticks = 0;
  private timer: TimerHandle | undefined;
  private state: 'new' | 'running' | 'stopped' = 'new';

  constructor(
    private readonly track: MediaStreamTrack,
    options: RtpAudioSenderOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger;
    this.maxFrames = Math.max(1, Math.round((options.maxQueueMs ?? 1000) / FRAME_MS));
  }

  start(): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.t0 = this.clock.now();
    this.tick();
  }

  /** Queues audio at any rate; it goes out from the next tick on. */
  push(pcm: Int16Array, sampleRate: number): void {
    if (this.state === 'stopped' || pcm.length === 0) return;
    this.converter.convert(pcm, sampleRate, (converted) => this.rechunk(converted));
  }

  /** Barge-in: all queued or still resampling audio is dropped; the next packet is silence. */
  clear(): void {
    this.converter.reset();
    this.queue.length = 0;
    this.partial.fill(0);
    this.partialLength = 0;
  }

  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.timer?.cancel();
    this.timer = undefined;
    this.queue.length = 0;
    this.converter.destroy();
    this.codec.destroy();
  }

  /** Audio queued, in ms (whole frames plus the partial one). */
  get queuedMs(): number {
    return ((this.queue.length * OPUS_FRAME + this.partialLength) / OPUS_RATE) * 1000;
  }

  private rechunk(samples: Int16Array): void {
    if (this.state === 'stopped') return;
    this.arrived = true;
    let at = 0;
    while (at < samples.length) {
      const take = Math.min(OPUS_FRAME - this.partialLength, samples.length - at);
      this.partial.set(samples.subarray(at, at + take), this.partialLength);
      this.partialLength += take;
      at += take;
      if (this.partialLength === OPUS_FRAME) {
        this.queue.push(this.partial);
        this.partial = new Int16Array(OPUS_FRAME);
        this.partialLength = 0;
      }
    }
    const excess = this.queue.length - this.maxFrames;
    if (excess > 0) {
      this.queue.splice(0, excess);
      if (this.stats.droppedFrames === 0) {
        this.logger.warn(
          { maxFrames: this.maxFrames },
          'webrtc: bot audio queue full; dropping oldest',
        );
      }
      this.stats.droppedFrames += excess;
    }
  }

  /**
   * The partial frame, zero-padded, when nothing arrived for a whole tick: the utterance has
   * ended, and its tail (under 20 ms, left by resampling) must not stick to the next one. The
   * graph hands audio ~40 ms ahead, so mid-speech the queue is not empty at a tick.
   */
  private staleTail(): Int16Array | undefined {
    if (this.partialLength === 0 || this.arrived) return undefined;
    const tail = this.partial; // the samples past partialLength are still zero
    this.partial = new Int16Array(OPUS_FRAME);
    this.partialLength = 0;
    return tail;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.state !== 'running') return;
    const due = Math.floor((this.clock.now() - this.t0) / FRAME_MS) + 1;
    const behind = due - this.ticks;
    if (behind > MAX_CATCH_UP) {
      // A stalled event loop: bursting the backlog would only fill the client's jitter buffer.
      const skip = behind - MAX_CATCH_UP;
      this.timestamp = (this.timestamp + skip * OPUS_FRAME) >>> 0;
      this.ticks += skip;
      this.stats.skippedFrames += skip;
    }
    while (this.ticks < due) {
      this.sendFrame();
      this.ticks++;
      if (this.state !== 'running') return; // stop() from a track callback
    }
    const next = this.t0 + this.ticks * FRAME_MS;
    this.timer = this.clock.setTimeout(this.tick, next - this.clock.now());
  };

  /** This runs on a timer: a codec failure costs one frame of silence, never the process. */
  private encode(pcm: Int16Array): Buffer {
    try {
      return this.codec.encode(pcm);
    } catch (error) {
      if (this.stats.encodeErrors++ === 0) {
        this.logger.error({ err: error }, 'webrtc: Opus encode failed; sending silence');
      }
      return OPUS_SILENCE_FRAME;
    }
  }

  private sendFrame(): void {
    const frame = this.queue.shift() ?? this.staleTail();
    this.arrived = false;
    let pcm: Int16Array | undefined;
    if (frame) {
      this.idleFrames = 0;
      pcm = frame;
    } else {
      this.stats.silencePackets++;
      if (this.idleFrames++ < FADE_FRAMES) pcm = new Int16Array(OPUS_FRAME);
    }
    const payload = pcm ? this.encode(pcm) : OPUS_SILENCE_FRAME;
    const header = new RtpHeader({
      payloadType: 111, // replaced by werift with the negotiated one
      sequenceNumber: this.sequenceNumber,
      timestamp: this.timestamp,
      marker: this.stats.packets === 0,
    });
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + OPUS_FRAME) >>> 0;
    this.stats.packets++;
    try {
      this.track.writeRtp(new RtpPacket(header, payload));
    } catch (error) {
      // A track torn down under us (connection closing): the owner stops this sender.
      this.logger.debug({ err: error }, 'webrtc: writeRtp failed');
    }
  }
}
