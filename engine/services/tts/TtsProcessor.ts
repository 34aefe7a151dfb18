import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf } from '../../core/frames.ts';
import type { RequestOptions } from '../retry/RequestOptions.ts';
import { runRequest } from '../retry/runRequest.ts';

/** The frames every TTS node consumes and produces, for node definitions. */
export const TTS_CONSUMES = ['tts.text', 'llm.response.end'];
export const TTS_PRODUCES = ['tts.start', 'tts.text', 'audio.out', 'tts.stop', 'metrics'];

export interface SynthesizedAudio {
  samples: Int16Array;
  sampleRate: number;
}

/** Takes a sentence's audio, piece by piece, in order. */
export type EmitAudio = (audio: SynthesizedAudio) => void;

/**
 * What every TTS node shares: speaks each `tts.text` (a sentence) in order,
 * forwarding the text just before its audio so the output can tell what the
 * user has heard; brackets a response with `tts.start`/`tts.stop`; reports
 * time to first audio per sentence as `ttfb` and its characters as `tts.usage`. A cloud engine's
 * `requestOptions()` give each sentence a first-audio deadline and retries
 * while nothing was played yet. On interrupt the synthesis in flight is
 * aborted through its signal and nothing of it is played. Live settings are
 * merged into `settings` once the subclass's `settingsSchema` accepted them.
 *
 * Subclasses implement `speak()`: the audio of one sentence, pushed to `emit`
 * as it comes (a whole-sentence engine emits once).
 */
export abstract class TtsProcessor<S extends object = object> extends FrameProcessor {
  private inResponse = false;

  constructor(
    id: string,
    protected settings: S,
  ) {
    super(id);
  }

  /** Calls `emit` with the audio of `text`, in order. Must stop promptly when `signal` aborts. */
  protected abstract speak(text: string, signal: AbortSignal, emit: EmitAudio): Promise<void>;

  /** How each sentence's request is timed and retried; none by default (a local engine). */
  protected requestOptions(): RequestOptions | undefined {
    return undefined;
  }

  protected override onSettings(update: Partial<S>): void {
    this.settings = { ...this.settings, ...update };
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'downstream') {
      if (frame.type === 'tts.text') return this.speakSentence(frame);
      if (frame.type === 'llm.response.end' && this.inResponse) {
        this.inResponse = false;
        this.push(this.frame('tts.stop', {}));
      }
    }
    this.push(frame, direction);
  }

  protected override onInterrupt(): void {
    this.inResponse = false;
  }

  private async speakSentence(frame: FrameOf<'tts.text'>): Promise<void> {
    if (!this.inResponse) {
      this.inResponse = true;
      this.push(this.frame('tts.start', {}));
    }
    const signal = this.signal;
    const startedAt = this.clock.now();
    let first = true;
    const emit: EmitAudio = (audio) => {
      if (signal.aborted || audio.samples.length === 0) return;
      if (first) {
        first = false;
        // One frame for both: the sentence is spoken now (a sentence cut before its
        // first audio is not counted, though a provider may bill it).
        const chars = frame.text.length;
        const ttfb = { name: 'ttfb', source: this.id, value: this.clock.now() - startedAt };
        const usage = { name: 'tts.usage', source: this.id, value: chars };
        this.push(this.frame('metrics', { metrics: [{ ...ttfb, detail: { chars } }, usage] }));
        this.push(frame);
      }
      this.push(this.frame('audio.out', { audio: audio.samples, sampleRate: audio.sampleRate }));
    };
    const options = this.requestOptions();
    if (!options) return this.speak(frame.text, signal, emit);
    const scope = { clock: this.clock, signal, logger: this.logger, node: this.id };
    const attempt = (attemptSignal: AbortSignal, output: () => void) =>
      this.speak(frame.text, attemptSignal, (audio) => {
        if (audio.samples.length > 0) output();
        emit(audio);
      });
    await runRequest(attempt, options, scope);
  }
}
