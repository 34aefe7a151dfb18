import type { Frame } from '../core/frames.ts';
import type { GraphRunner } from '../graph/GraphRunner.ts';
import { stopWithin } from '../recording/pacedRun.ts';
import type { ReplayPacer } from '../recording/ReplayPacer.ts';

const CHUNK_MS = 20;

/**
 * The scenario's microphone: it streams 20 ms chunks into the graph without
 * pause, as a client does (silence between turns), and it can wait for what
 * the bot does before the next turn speaks. Time passes through the pacer,
 * so the same code runs on the wall clock or on a virtual one.
 */
export class UserTrack {
  /** Timeline ms of each `bot.speaking.started` that left the graph. */
  private readonly botStarts: number[] = [];
  private lastOutputAt = 0;
  private readonly chunk: number;
  private readonly silence: Int16Array;
  /** The pacer-clock time the next chunk is due; kept across calls so real time does not drift. */
  private due: number | undefined;

  constructor(
    private readonly runner: GraphRunner,
    private readonly pacer: ReplayPacer,
    private readonly timeline: () => number,
    private readonly sampleRate: number,
  ) {
    this.chunk = Math.round((sampleRate * CHUNK_MS) / 1000);
    this.silence = new Int16Array(this.chunk);
  }

  /** Pass every frame the graph outputs. */
  onOutput(frame: Frame): void {
    if (frame.type === 'bot.speaking.started') this.botStarts.push(this.timeline());
    if (frame.type === 'audio.out' || frame.type.startsWith('bot.speaking.'))
      this.lastOutputAt = this.timeline();
  }

  /** Streams `samples` in, in real (or virtual) time. */
  async speak(samples: Int16Array): Promise<void> {
    for (let i = 0; i < samples.length; i += this.chunk)
      await this.send(samples.subarray(i, i + this.chunk));
  }

  /** Silence until the timeline reaches `atMs`. */
  async silenceUntil(atMs: number): Promise<void> {
    while (this.timeline() < atMs) await this.send(this.silence);
  }

  /**
   * Silence until the bot has answered: it started speaking after `sinceMs`
   * (no requirement when undefined: the first turn only waits out a
   * greeting), then has been quiet for `quietMs`. Gives up `timeoutMs` after
   * `sinceMs`, and says so through `note`.
   */
  async awaitAnswer(
    sinceMs: number | undefined,
    quietMs: number,
    timeoutMs: number,
    note: (text: string) => void,
  ): Promise<void> {
    const deadline = (sinceMs ?? this.timeline()) + timeoutMs;
    const answered = () => sinceMs === undefined || this.botStarts.some((at) => at >= sinceMs);
    while (
      !(answered() && !this.runner.isBotSpeaking && this.timeline() - this.lastOutputAt >= quietMs)
    ) {
      if (this.timeline() >= deadline) {
        note(
          answered()
            ? `the bot was still talking ${timeoutMs} ms after the previous turn ended; this turn began anyway`
            : `the bot did not answer the previous turn within ${timeoutMs} ms; this turn began anyway`,
        );
        return;
      }
      await this.send(this.silence);
    }
  }

  /**
   * Silence until `offsetMs` after the bot started replying to a turn that
   * ended at `sinceMs`: the moment to barge in. Without a reply within
   * `timeoutMs` there is nothing to cut off; the turn is spoken then and
   * `note` says so.
   */
  async bargeIn(
    sinceMs: number,
    offsetMs: number,
    timeoutMs: number,
    note: (text: string) => void,
  ): Promise<void> {
    const deadline = sinceMs + timeoutMs;
    let started = this.botStarts.find((at) => at >= sinceMs);
    while (started === undefined) {
      if (this.timeline() >= deadline) {
        note(
          `the bot did not start replying within ${timeoutMs} ms, so there was nothing to barge in on`,
        );
        return;
      }
      await this.send(this.silence);
      started = this.botStarts.find((at) => at >= sinceMs);
    }
    await this.silenceUntil(started + offsetMs);
  }

  /** A graceful stop (draining in order) while the microphone keeps time, or a cancel when it does not come. */
  async stop(timeoutMs: number): Promise<void> {
    await stopWithin({ runner: this.runner, pacer: this.pacer }, timeoutMs, 'scenario over');
  }

  private async send(audio: Int16Array): Promise<void> {
    const { runner, pacer, sampleRate } = this;
    runner.push(runner.createFrame('audio.in', { audio: audio.slice(), sampleRate }));
    this.due = (this.due ?? pacer.clock.now()) + CHUNK_MS;
    await pacer.waitUntil(this.due, runner);
  }
}
