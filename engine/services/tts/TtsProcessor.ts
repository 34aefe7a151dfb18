import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';

/** The frames every TTS node consumes and produces, for node definitions. */
export const TTS_CONSUMES = ['tts.text', 'llm.response.end'];
export const TTS_PRODUCES = ['tts.start', 'tts.text', 'audio.out', 'tts.stop', 'metrics'];

export interface SynthesizedAudio {
  samples: Int16Array;
  sampleRate: number;
}

/**
 * What every TTS node shares: speaks each `tts.text` (a sentence) in order,
 * forwarding the text just before its audio so the output can tell what the
 * user has heard; brackets a response with `tts.start`/`tts.stop`; reports
 * time to first audio per sentence as `ttfb`. On interrupt the synthesis in
 * flight is aborted through its signal and nothing of it is played.
 *
 * Subclasses implement `synthesize()`; streaming engines may override
 * `speak()` to push audio as it arrives.
 */
export abstract class TtsProcessor extends FrameProcessor {
  private inResponse = false;

  protected abstract synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio>;

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

  private async speakSentence(frame: Extract<Frame, { type: 'tts.text' }>): Promise<void> {
    if (!this.inResponse) {
      this.inResponse = true;
      this.push(this.frame('tts.start', {}));
    }
    const signal = this.signal;
    const startedAt = this.clock.now();
    await this.speak(frame.text, signal, (audio, first) => {
      if (first) {
        this.pushMetric('ttfb', this.clock.now() - startedAt, { chars: frame.text.length });
        this.push(frame);
      }
      this.push(this.frame('audio.out', { audio: audio.samples, sampleRate: audio.sampleRate }));
    });
  }

  /** Calls `emit` with the audio of `text`, in order; `first` marks the first piece. */
  protected async speak(text: string, signal: AbortSignal, emit: (audio: SynthesizedAudio, first: boolean) => void): Promise<void> {
    const audio = await this.synthesize(text, signal);
    if (!signal.aborted && audio.samples.length > 0) emit(audio, true);
  }
}
