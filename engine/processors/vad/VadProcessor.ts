import { AudioChunker } from '../../audio/AudioChunker.ts';
import { dbfs } from '../../audio/level.ts';
import { Resampler } from '../../audio/Resampler.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf } from '../../core/frames.ts';
import { VadStateMachine, type VadParams } from './VadStateMachine.ts';

export interface VadSettings extends VadParams {
  /** Start speech this much earlier than the first voiced window, so the recogniser hears the onset (ms). */
  prePaddingMs: number;
  /** Ignore the microphone while the bot speaks: for clients without echo cancellation (no barge-in then). */
  muteWhileBotSpeaking: boolean;
}

/** Scores one window of 16 kHz audio: speech probability 0…1. */
export interface SpeechScorer {
  readonly windowSamples: number;
  /** Load a model before the first window. */
  load?(): Promise<void>;
  score(window: Int16Array): number | Promise<number>;
  reset(): void;
  release(): void | Promise<void>;
}

export const VAD_SAMPLE_RATE = 16000;

/**
 * Voice activity detection over the microphone stream: emits
 * `user.speaking.started/stopped` (system frames, so they overtake queued
 * audio) and passes every audio frame on unchanged. Analysis runs at 16 kHz on
 * fixed windows; other input rates are resampled for analysis only.
 */
export class VadProcessor extends FrameProcessor {
  private readonly machine: VadStateMachine;
  private chunker: AudioChunker;
  private resampler: Resampler | undefined;
  private botSpeaking = false;

  constructor(
    id: string,
    private readonly scorer: SpeechScorer,
    private settings: VadSettings,
  ) {
    super(id);
    this.machine = new VadStateMachine(settings);
    this.chunker = new AudioChunker(scorer.windowSamples);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<VadSettings>) };
    this.machine.params = this.settings;
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (frame.type === 'bot.speaking.started') this.botSpeaking = true;
    if (frame.type === 'bot.speaking.stopped') this.botSpeaking = false;
    this.push(frame, direction);
    if (frame.type === 'audio.in' && direction === 'downstream') return this.analyse(frame);
  }

  protected override async onStart(): Promise<void> {
    await this.scorer.load?.();
  }

  protected override onStop(): void | Promise<void> {
    this.resampler?.destroy();
    return this.scorer.release();
  }

  private async analyse(frame: FrameOf<'audio.in'>): Promise<void> {
    const audio = await this.toAnalysisRate(frame);
    const windowMs = (this.scorer.windowSamples / VAD_SAMPLE_RATE) * 1000;
    const windows = this.chunker.push(audio);
    // The frame's audio ended when the frame was made (not when we got to it:
    // behind a slow window the queue backs up, and stamping windows with the
    // time we analyse them would squeeze the silence before a stop to nothing).
    // Earlier windows ended correspondingly earlier.
    const endOfAudio = frame.at - (this.chunker.buffered / VAD_SAMPLE_RATE) * 1000;
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i];
      const windowEndAt = endOfAudio - (windows.length - 1 - i) * windowMs;
      const muted = this.settings.muteWhileBotSpeaking && this.botSpeaking;
      const loudEnough = dbfs(window) >= this.settings.minVolume;
      const probability = muted || !loudEnough ? 0 : await this.scorer.score(window);
      const transition = this.machine.update(probability >= this.settings.confidence, windowMs, windowEndAt);
      if (transition?.kind === 'started') {
        this.push(this.frame('user.speaking.started', { speechStartedAt: transition.speechStartedAt - this.settings.prePaddingMs, paddingMs: this.settings.prePaddingMs }));
      } else if (transition?.kind === 'paused') {
        this.push(this.frame('user.speaking.paused', { speechEndedAt: transition.speechEndedAt }));
      } else if (transition?.kind === 'stopped') {
        this.push(this.frame('user.speaking.stopped', { speechEndedAt: transition.speechEndedAt }));
      }
    }
  }

  private async toAnalysisRate(frame: FrameOf<'audio.in'>): Promise<Int16Array> {
    if (frame.sampleRate === VAD_SAMPLE_RATE) return frame.audio;
    if (!this.resampler || this.resampler.fromRate !== frame.sampleRate) {
      this.resampler?.destroy();
      this.resampler = await Resampler.create(frame.sampleRate, VAD_SAMPLE_RATE);
    }
    return this.resampler.process(frame.audio);
  }
}
