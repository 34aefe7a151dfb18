import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf, Metric } from '../../core/frames.ts';
import type { RequestOptions } from '../retry/RequestOptions.ts';
import { runRequest } from '../retry/runRequest.ts';

/** The frames every STT node consumes, for node definitions. */
export const STT_CONSUMES = ['audio.in', 'user.speaking.started', 'user.speaking.stopped'];

/** Log and metric details of one final: numbers or short labels. */
export type FinalDetail = Record<string, number | string>;

/**
 * What every STT node shares. Every frame passes on at once, so the VAD's
 * frames reach downstream before any transcript they lead to; microphone audio
 * also goes to the recogniser (`hear()`). Between the VAD's
 * `user.speaking.started` and `.stopped` the user is speaking; at the stop
 * `finalize()` asks the recogniser for its final now instead of waiting for
 * its own endpointing. Results become frames in one place: `pushInterim()`
 * gives `transcript.interim`, a final `transcript.final` (trimmed; an empty
 * one is not sent), and the time from asking for a final to the answer is the
 * `ttfb` metric, sent with the seconds of audio heard since the last final
 * (`stt.usage`). An interrupt of the bot does not touch recognition: what the
 * user said is never dropped. Live settings are merged into `settings` once
 * the subclass's `settingsSchema` accepted them.
 *
 * Recognisers answer in one of two ways:
 * - streaming (a socket): `finalize()` sends the request and calls
 *   `expectFinal()`; the next non-empty final, through `pushFinal()`,
 *   answers it.
 * - per request (an utterance sent whole, a local decoder's end of
 *   utterance): `awaitFinal()` waits for the answer and reports its latency
 *   even when no words were heard (benchmarks wait for that metric). A cloud
 *   request goes through `request()`: timed and retried as
 *   `requestOptions()` say, while nothing was answered.
 */
export abstract class SttProcessor<S extends object = object> extends FrameProcessor {
  /** When a streaming recogniser was asked for its final; its next final answers it. */
  private finalAskedAt: number | undefined;
  private speaking = false;
  /** Seconds of audio heard since the last `stt.usage`. */
  private heardSeconds = 0;

  constructor(
    id: string,
    protected settings: S,
  ) {
    super(id);
  }

  /** Takes a chunk of microphone audio. */
  protected abstract hear(frame: FrameOf<'audio.in'>): void | Promise<void>;

  /** The VAD heard the user stop: ask the recogniser for its final now. */
  protected abstract finalize(): void | Promise<void>;

  /** The VAD heard the user start; its `speechStartedAt` says when speech began. */
  protected speechStarted(_frame: FrameOf<'user.speaking.started'>): void | Promise<void> {}

  /** How `request()` is timed and retried; none by default (a local engine). */
  protected requestOptions(): RequestOptions | undefined {
    return undefined;
  }

  protected override onSettings(update: Partial<S>): void {
    this.settings = { ...this.settings, ...update };
  }

  /** Between the VAD's `user.speaking.started` and `.stopped`. */
  protected get userSpeaking(): boolean {
    return this.speaking;
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    this.push(frame, direction);
    if (direction !== 'downstream') return;
    switch (frame.type) {
      case 'audio.in':
        this.heardSeconds += frame.audio.length / frame.sampleRate;
        return this.hear(frame);
      case 'user.speaking.started':
        this.speaking = true;
        return this.speechStarted(frame);
      case 'user.speaking.stopped':
        this.speaking = false;
        return this.finalize();
    }
  }

  /** A hypothesis that may still change; an empty one is not sent. */
  protected pushInterim(text: string): void {
    if (text) this.push(this.frame('transcript.interim', { text }));
  }

  /** A streaming recogniser was just asked for its final: the next one answers. */
  protected expectFinal(): void {
    this.finalAskedAt = this.clock.now();
  }

  /**
   * A final from a streaming recogniser. When it answers `expectFinal()`, how
   * long it took goes first, as `ttfb`. An empty final answers nothing.
   */
  protected pushFinal(text: string): void {
    if (!text.trim()) return;
    const askedAt = this.finalAskedAt;
    this.finalAskedAt = undefined;
    this.reportFinal(text, askedAt);
  }

  /**
   * Waits for the final `answer` brings, asked for at `askedAt`, and pushes
   * it after its latency. Undefined means abandoned (the session stopped):
   * nothing is reported. A failure costs this utterance, not the session: it
   * becomes an error frame.
   */
  protected async awaitFinal(
    answer: Promise<string | undefined>,
    askedAt: number,
    detail?: FinalDetail,
  ): Promise<void> {
    try {
      const text = await answer;
      if (text !== undefined) this.reportFinal(text, askedAt, detail);
    } catch (error) {
      this.pushError(error);
    }
  }

  /**
   * One recognition request: `attempt` under `requestOptions()` (each try
   * abandoned at the deadline, failures retried while nothing was answered,
   * errors free of the key). Resolves undefined once `signal` aborted.
   */
  protected async request(
    attempt: (signal: AbortSignal) => Promise<string>,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const answer: { text?: string } = {};
    const scope = { clock: this.clock, signal, logger: this.logger, node: this.id };
    const once = async (attemptSignal: AbortSignal, answered: () => void) => {
      answer.text = await attempt(attemptSignal);
      answered();
    };
    await runRequest(once, this.requestOptions() ?? {}, scope);
    return signal.aborted ? undefined : answer.text;
  }

  private reportFinal(text: string, askedAt: number | undefined, detail?: FinalDetail): void {
    const metrics: Metric[] = [];
    if (askedAt !== undefined)
      metrics.push({ name: 'ttfb', source: this.id, value: this.clock.now() - askedAt, detail });
    // The audio handed to the recogniser since the last final: all the node was
    // given, silence too (a streaming recogniser is billed for it).
    const seconds = Math.round(this.heardSeconds * 1000) / 1000;
    this.heardSeconds = 0;
    if (seconds > 0) metrics.push({ name: 'stt.usage', source: this.id, value: seconds });
    if (metrics.length > 0) this.push(this.frame('metrics', { metrics }));
    const trimmed = text.trim();
    if (trimmed) this.push(this.frame('transcript.final', { text: trimmed }));
  }
}
