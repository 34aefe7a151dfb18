import { z } from 'zod';
import { AudioChunker } from '../../audio/AudioChunker.ts';
import { dbfs } from '../../audio/level.ts';
import { Resampler } from '../../audio/Resampler.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf } from '../../core/frames.ts';
import { VadStateMachine } from './VadStateMachine.ts';

/**
 * The two settings whose best value depends on how a scorer scores: the
 * probability that counts as speech and the loudness below which a window is
 * silence whatever the model says.
 */
export interface ScorerDefaults {
  confidence: number;
  minVolume: number;
}

const buildVadSettings = (defaults: ScorerDefaults) =>
  z.object({
    confidence: z
      .number()
      .min(0)
      .max(1)
      .default(defaults.confidence)
      .describe('Speech probability a window needs to count as speech'),
    startMs: z
      .number()
      .int()
      .min(0)
      .max(2000)
      .default(150)
      .describe('Speech needed before the user counts as speaking (ms)'),
    stopMs: z
      .number()
      .int()
      .min(50)
      .max(5000)
      .default(300)
      .describe('Silence needed before the turn ends (ms)'),
    pauseMs: z
      .number()
      .int()
      .min(0)
      .max(5000)
      .default(100)
      .describe(
        'Silence after which a "paused" signal goes out, before stopMs, ' +
          'for preemptive replies (ms); 0: never',
      ),
    minVolume: z
      .number()
      .min(-100)
      .max(0)
      .default(defaults.minVolume)
      .describe('Windows quieter than this are silence (dBFS)'),
    prePaddingMs: z
      .number()
      .min(0)
      .max(1000)
      .default(200)
      .describe('Audio before detected speech the recogniser also hears (ms)'),
    muteWhileBotSpeaking: z
      .boolean()
      .default(false)
      .describe(
        'Ignore the mic while the bot talks (clients without echo cancellation; disables barge-in)',
      ),
  });

type VadSettingsSchema = ReturnType<typeof buildVadSettings>;
export type VadSettings = z.output<VadSettingsSchema>;

const schemaByDefaults = new WeakMap<ScorerDefaults, VadSettingsSchema>();

/**
 * Every VAD's settings; the scorer brings the defaults of `confidence` and
 * `minVolume`. One schema per scorer's defaults: its node type's config and
 * its processors' live-update parser are the same object.
 */
export function vadSettings(defaults: ScorerDefaults): VadSettingsSchema {
  let schema = schemaByDefaults.get(defaults);
  if (!schema) {
    schema = buildVadSettings(defaults);
    schemaByDefaults.set(defaults, schema);
  }
  return schema;
}

/** Scores one window of 16 kHz audio: speech probability 0…1. */
export interface SpeechScorer {
  readonly windowSamples: number;
  /** The `confidence` and `minVolume` that suit this scorer's probabilities. */
  readonly defaults: ScorerDefaults;
  /** Load a model before the first window. */
  load?(): Promise<void>;
  score(window: Int16Array): number | Promise<number>;
  reset(): void;
  release(): void | Promise<void>;
}

const VAD_SAMPLE_RATE = 16000;

/**
 * Voice activity detection over the microphone stream: emits
 * `user.speaking.started/stopped` (system frames, so they overtake queued
 * audio) and passes every audio frame on unchanged. Analysis runs at 16 kHz on
 * fixed windows; other input rates are resampled for analysis only.
 */
export class VadProcessor extends FrameProcessor {
  protected override readonly settingsSchema: VadSettingsSchema;
  private readonly machine: VadStateMachine;
  private chunker: AudioChunker;
  private resampler: Resampler | undefined;
  private botSpeaking = false;
  private settings: VadSettings;

  constructor(
    id: string,
    private readonly scorer: SpeechScorer,
    /** A key left out takes the schema's default (the scorer's for `confidence`, `minVolume`). */
    settings: Partial<VadSettings> = {},
  ) {
    super(id);
    this.settingsSchema = vadSettings(scorer.defaults);
    this.settings = this.settingsSchema.parse(settings);
    this.machine = new VadStateMachine(this.settings);
    this.chunker = new AudioChunker(scorer.windowSamples);
  }

  protected override onSettings(update: Partial<VadSettings>): void {
    this.settings = { ...this.settings, ...update };
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
      const voiced = probability >= this.settings.confidence;
      const transition = this.machine.update(voiced, windowMs, windowEndAt);
      if (transition?.kind === 'started') {
        const paddingMs = this.settings.prePaddingMs;
        const speechStartedAt = transition.speechStartedAt - paddingMs;
        this.push(this.frame('user.speaking.started', { speechStartedAt, paddingMs }));
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
