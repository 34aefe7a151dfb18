import { randomInt } from 'node:crypto';
import type { MediaStreamTrack } from 'werift';
import { RtpHeader, RtpPacket } from 'werift';
import {
  type Clock,
  type Logger,
  OPUS_FRAME,
  OPUS_PCM_RATES,
  OPUS_RATE,
  OPUS_SILENCE_FRAME,
  OpusCodec,
  realClock,
  type TimerHandle,
} from '#engine';
import { AudioRateConverter } from '../AudioRateConverter.ts';

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

/** 20 ms of PCM at the rate it is to be coded at. */
interface Frame {
  pcm: Int16Array;
  rate: number;
}

/**
 * Bot audio to the browser: any rate in, Opus RTP out, one packet per 20 ms on an
 * absolute schedule (t0 + n·20 ms, so timer jitter never accumulates). The graph already
 * paces audio in real time; this only re-chunks it. When nothing is queued a silence packet
 * goes out instead, like Pipecat's auto_silence: browsers' jitter buffers handle a
 * continuous stream better than gaps, and after `clear()` the very next packet is silence.
 * Sequence numbers and timestamps start at random values (RFC 3550) and are ours; werift
 * sets the SSRC and payload type it negotiated.
 *
 * Audio at a rate libopus takes natively (8/12/16/24/48 kHz: every TTS here) goes straight
 * to an encoder opened at that rate; only other rates are resampled to 48 kHz first. A
 * resampler per session cost about a fifth of the server's main thread at 10 sessions.
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
  /** One encoder per PCM rate seen (in practice one: the TTS's). */
  private readonly encoders = new Map<number, OpusCodec>();
  /** Only for rates libopus does not take; built on first use. */
  private converter: AudioRateConverter | undefined;
  private readonly queue: Frame[] = [];
  /** The rate `partial` is being filled at. */
  private rate = OPUS_RATE;
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
    if (OPUS_PCM_RATES.has(sampleRate)) {
      // After anything still being resampled, so a change of rate never reorders audio.
      if (this.converter) this.converter.after(() => this.rechunk(pcm, sampleRate));
      else this.rechunk(pcm, sampleRate);
      return;
    }
    this.converter ??= new AudioRateConverter(OPUS_RATE);
    this.converter.convert(pcm, sampleRate, (converted) => this.rechunk(converted, OPUS_RATE));
  }

  /** Barge-in: all queued or still resampling audio is dropped; the next packet is silence. */
  clear(): void {
    this.converter?.reset();
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
    this.converter?.destroy();
    for (const encoder of this.encoders.values()) encoder.destroy();
    this.encoders.clear();
  }

  /** Audio queued, in ms (whole frames plus the partial one). */
  get queuedMs(): number {
    return this.queue.length * FRAME_MS + (this.partialLength / this.rate) * 1000;
  }

  private rechunk(samples: Int16Array, rate: number): void {
    if (this.state === 'stopped') return;
    this.arrived = true;
    if (rate !== this.rate) {
      // A new voice at another rate: what is left of the old one goes out padded.
      if (this.partialLength > 0) this.queue.push({ pcm: this.partial, rate: this.rate });
      this.rate = rate;
      this.partial = new Int16Array(rate / 50);
      this.partialLength = 0;
    }
    const frame = this.partial.length;
    let at = 0;
    while (at < samples.length) {
      const take = Math.min(frame - this.partialLength, samples.length - at);
      this.partial.set(samples.subarray(at, at + take), this.partialLength);
      this.partialLength += take;
      at += take;
      if (this.partialLength === frame) {
        this.queue.push({ pcm: this.partial, rate });
        this.partial = new Int16Array(frame);
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
  private staleTail(): Frame | undefined {
    if (this.partialLength === 0 || this.arrived) return undefined;
    const tail = { pcm: this.partial, rate: this.rate }; // past partialLength it is still zero
    this.partial = new Int16Array(this.partial.length);
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
  private encode({ pcm, rate }: Frame): Buffer {
    try {
      let encoder = this.encoders.get(rate);
      if (!encoder) {
        encoder = new OpusCodec(rate);
        this.encoders.set(rate, encoder);
      }
      return encoder.encode(pcm);
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
    let pcm: Frame | undefined;
    if (frame) {
      this.idleFrames = 0;
      pcm = frame;
    } else {
      this.stats.silencePackets++;
      if (this.idleFrames++ < FADE_FRAMES) {
        pcm = { pcm: new Int16Array(this.rate / 50), rate: this.rate };
      }
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
