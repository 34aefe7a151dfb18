import { z } from 'zod';
import type { TimerHandle } from '../../core/Clock.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf } from '../../core/frames.ts';

export const pacedAudioOutputSettings = z.object({
  maxAheadMs: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(40)
    .describe(
      'Audio handed to the client ahead of real time (ms). ' +
        'Bounds how long the client keeps playing after an interrupt.',
    ),
});

export type PacedAudioOutputSettings = z.output<typeof pacedAudioOutputSettings>;

/** Short enough that an interrupt lands between pieces within a frame's time. */
export const OUTPUT_CHUNK_MS = 20;

export type PacedAudioOutputOptions = PacedAudioOutputSettings & {
  /** Audio is cut into pieces of this length so an interrupt can stop between them (ms). */
  chunkMs: number;
};

export interface PlaybackEvent {
  /** Clock time at which the chunk starts playing at the client. */
  startsAt: number;
  durationMs: number;
}

/**
 * The last processor of a graph: releases bot audio in real time, never more
 * than `maxAheadMs` ahead, so an interrupt silences the client at once (a
 * client that buffers seconds of audio cannot be interrupted). Non-audio frames
 * of the response wait their turn in the same queue, so text reaches the
 * client when the audio before it has played.
 *
 * `output.pause` (user speech that may be a barge-in) stops the sending at
 * once but keeps the queue, which the LLM and TTS go on filling; the client
 * plays out the little it holds (≤ maxAheadMs + a chunk) and goes quiet. `output.resume` (it was
 * a cough) paces on from the first unsent sample; an `interrupt` drops it all
 * as usual. A pause is not the end of the bot's speech: no
 * `bot.speaking.stopped` is sent, so the rest of the graph still sees a bot
 * mid-reply. The pause and resume frames pass on downstream only when they
 * took effect, so what leaves the output says what the client heard.
 */
export class PacedAudioOutput extends FrameProcessor {
  protected override readonly settingsSchema = pacedAudioOutputSettings;
  private readonly playout: Frame[] = [];
  private timer: TimerHandle | undefined;
  /** Clock time at which everything sent so far has finished playing. */
  private playheadEnd = 0;
  private speaking = false;
  /** Held by `output.pause`: nothing more is sent until `output.resume` or an interrupt. */
  private paused = false;
  /** Time the last audio chunk handed out stops playing; read by latency observers. */
  lastAudioEndAt = 0;
  private readonly playbackListeners: Array<(event: PlaybackEvent) => void> = [];
  private drainWaiters: Array<() => void> = [];
  /** The spoken text whose audio is playing now, to report what the user actually heard. */
  private segment: { text: string; sentMs: number } | undefined;

  constructor(
    id: string,
    private options: PacedAudioOutputOptions = {
      ...pacedAudioOutputSettings.parse({}),
      chunkMs: OUTPUT_CHUNK_MS,
    },
  ) {
    super(id);
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  onPlayback(listener: (event: PlaybackEvent) => void): void {
    this.playbackListeners.push(listener);
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === 'upstream') {
      this.push(frame, direction);
      return;
    }
    if (frame.type === 'output.pause') return this.pause(frame);
    if (frame.type === 'output.resume') return this.resume(frame);
    // A queue whose head already waits for its timer is served in order by that timer: a frame added
    // behind it changes nothing. (Ticking anyway armed one more timer per frame — with the microphone's
    // frames passing through while the bot speaks, 50 more timer chains per second per session.)
    const headWaiting = this.playout.length > 0 && this.timer !== undefined;
    if (frame.type === 'audio.out') this.enqueueAudio(frame);
    else this.playout.push(frame);
    if (!headWaiting) this.tick();
  }

  protected override onSettings(update: Partial<PacedAudioOutputSettings>): void {
    this.options = { ...this.options, ...update };
  }

  protected override onInterrupt(): void {
    this.paused = false;
    this.reportPartialSegment();
    this.playout.length = 0;
    this.timer?.cancel();
    this.timer = undefined;
    const now = this.clock.now();
    // What was already handed out keeps playing up to maxAheadMs; count it as played until now.
    this.lastAudioEndAt = Math.min(this.lastAudioEndAt, now);
    this.playheadEnd = now;
    this.setSpeaking(false);
  }

  /** `end` waits until everything queued has been played. */
  protected override onEnd(): Promise<void> | void {
    if (this.playout.length === 0 && !this.speaking) return;
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  protected override onStop(): void {
    this.timer?.cancel();
    this.playout.length = 0;
  }

  private enqueueAudio(frame: FrameOf<'audio.out'>): void {
    const samplesPerChunk = Math.max(
      1,
      Math.round((frame.sampleRate * this.options.chunkMs) / 1000),
    );
    if (frame.audio.length <= samplesPerChunk) {
      this.playout.push(frame);
      return;
    }
    for (let offset = 0; offset < frame.audio.length; offset += samplesPerChunk) {
      const audio = frame.audio.subarray(offset, offset + samplesPerChunk);
      // Pieces keep the original id: they are one frame, delivered in parts.
      this.playout.push({ ...frame, audio });
    }
  }

  /** Goes quiet now; the client plays out what it already holds. With nothing playing there is nothing to pause. */
  private pause(frame: FrameOf<'output.pause'>): void {
    if (this.paused || !this.speaking) return;
    this.paused = true;
    this.timer?.cancel(); // also a pending finishSpeaking: a paused bot has not finished speaking
    this.timer = undefined;
    this.push(frame, 'downstream');
  }

  private resume(frame: FrameOf<'output.resume'>): void {
    if (!this.paused) return;
    this.paused = false;
    this.push(frame, 'downstream');
    this.tick(); // the playhead catches up with the clock there: pacing restarts from now
  }

  private tick = (): void => {
    if (this.paused) return; // resume() ticks again
    this.timer?.cancel(); // called directly, it replaces a pending finishSpeaking: one timer at a time
    this.timer = undefined;
    const now = this.clock.now();
    if (this.playheadEnd < now) this.playheadEnd = now;
    while (this.playout.length > 0) {
      const next = this.playout[0];
      if (next.type === 'audio.out') {
        if (this.playheadEnd - now > this.options.maxAheadMs) break;
        this.playout.shift();
        this.sendAudio(next, now);
      } else {
        this.playout.shift();
        if (next.type === 'tts.text') this.beginSegment(next.text);
        this.push(next, 'downstream');
      }
    }
    if (this.playout.length > 0) {
      this.timer = this.clock.setTimeout(
        this.tick,
        this.playheadEnd - now - this.options.maxAheadMs,
      );
    } else if (this.speaking) {
      this.timer = this.clock.setTimeout(this.finishSpeaking, this.playheadEnd - now);
    }
  };

  private sendAudio(frame: FrameOf<'audio.out'>, now: number): void {
    const durationMs = (frame.audio.length / frame.sampleRate) * 1000;
    const startsAt = Math.max(this.playheadEnd, now);
    this.setSpeaking(true);
    this.playheadEnd = startsAt + durationMs;
    if (this.segment) this.segment.sentMs += durationMs;
    this.lastAudioEndAt = this.playheadEnd;
    this.push(frame, 'downstream');
    for (const listener of this.playbackListeners) listener({ startsAt, durationMs });
  }

  private finishSpeaking = (): void => {
    this.timer = undefined;
    if (this.playout.length === 0) this.setSpeaking(false);
    else this.tick();
  };

  private beginSegment(text: string): void {
    this.finishSegment();
    this.segment = { text, sentMs: 0 };
  }

  private finishSegment(): void {
    if (!this.segment) return;
    this.push(this.frame('bot.spoken', { text: this.segment.text, complete: true }), 'upstream');
    this.segment = undefined;
  }

  /** On interrupt: the share of the segment's words whose audio had played. */
  private reportPartialSegment(): void {
    const segment = this.segment;
    if (!segment) return;
    this.segment = undefined;
    let totalMs = segment.sentMs;
    for (const frame of this.playout) {
      if (frame.type === 'tts.text') break;
      if (frame.type === 'audio.out') totalMs += (frame.audio.length / frame.sampleRate) * 1000;
    }
    // Sent minus what the client still holds: exact across pauses and TTS underruns, when the client was silent.
    const heldByClientMs = Math.max(0, this.playheadEnd - this.clock.now());
    const playedMs = Math.max(0, segment.sentMs - heldByClientMs);
    const words = segment.text.split(/\s+/).filter(Boolean);
    const share = totalMs > 0 ? Math.min(1, playedMs / totalMs) : 0;
    const heard = words.slice(0, Math.floor(share * words.length)).join(' ');
    this.push(this.frame('bot.spoken', { text: heard, complete: share >= 1 }), 'upstream');
  }

  private resolveDrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private setSpeaking(speaking: boolean): void {
    if (speaking === this.speaking) return;
    this.speaking = speaking;
    if (!speaking) {
      this.finishSegment();
      this.resolveDrain();
    }
    const frame = this.frame(speaking ? 'bot.speaking.started' : 'bot.speaking.stopped', {});
    this.push(frame, 'downstream');
    this.push(frame, 'upstream');
  }
}
