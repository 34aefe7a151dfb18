import type OpenAI from 'openai';
import { toFile } from 'openai';
import { z } from 'zod';
import { writeWav } from '../../audio/wav.ts';
import type { FrameOf } from '../../core/frames.ts';
import type { RequestOptions } from '../../services/retry/RequestOptions.ts';
import { retryPolicyFrom, retrySettings } from '../../services/retry/retrySettings.ts';
import {
  type SpeechSegment,
  SpeechSegmentRecorder,
} from '../../services/stt/SpeechSegmentRecorder.ts';
import { SttProcessor } from '../../services/stt/SttProcessor.ts';
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';

export const openAISttSettings = z.object({
  model: z
    .string()
    .min(1)
    .default('gpt-4o-mini-transcribe')
    .describe('gpt-4o-mini-transcribe, gpt-4o-transcribe, whisper-1'),
  language: z
    .string()
    .regex(/^([a-z]{2,3})?$/, 'must be an ISO-639-1 code such as en, or empty')
    .default('')
    .describe('Empty: detect'),
  prompt: z.string().max(2000).default('').describe('Vocabulary hints: names, places, jargon'),
  // Reached back into from the VAD's `speechStartedAt`.
  preRollMs: z
    .number()
    .int()
    .min(0)
    .max(2000)
    .default(500)
    .describe('Audio before the VAD start that is kept for the recogniser (ms)'),
  minSegmentMs: z
    .number()
    .int()
    .min(0)
    .max(2000)
    .default(200)
    .describe('Shorter utterances (clicks, coughs) are not sent (ms)'),
  maxSegmentMs: z
    .number()
    .int()
    .min(1000)
    .max(120_000)
    .default(30_000)
    .describe('Longer speech is sent in pieces (ms)'),
  requestTimeoutMs: z
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(8000)
    .describe('Abandon (and retry) a transcription not answered by then (ms)'),
  ...retrySettings,
});

export type OpenAISttSettings = z.output<typeof openAISttSettings>;

/**
 * Speech-to-text on OpenAI's `/audio/transcriptions` (gpt-4o-transcribe,
 * whisper-1 or any compatible server), one request per utterance: audio is
 * recorded between the VAD's `user.speaking.started` (from `speechStartedAt`,
 * with pre-roll) and `user.speaking.stopped`, then sent as WAV and answered
 * with `transcript.final`. Transcriptions run in the background, one after
 * another, so the microphone stream never waits for the network and
 * transcripts keep their order.
 */
export class OpenAIStt extends SttProcessor<OpenAISttSettings> {
  protected override readonly settingsSchema = openAISttSettings;
  private readonly client: OpenAI;
  private recorder: SpeechSegmentRecorder;
  /** Transcriptions in order: each starts when the one before it finished. */
  private chain: Promise<void> = Promise.resolve();
  /** Aborted on stop only: an interrupt of the bot must not lose what the user said. */
  private readonly session = new AbortController();

  constructor(
    id: string,
    settings: OpenAISttSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id, settings);
    this.client = createOpenAIClient(connection);
    this.recorder = new SpeechSegmentRecorder(settings.preRollMs, settings.maxSegmentMs);
  }

  protected override onSettings(update: Partial<OpenAISttSettings>): void {
    super.onSettings(update);
    const reshaped = 'preRollMs' in update || 'maxSegmentMs' in update;
    if (reshaped && !this.recorder.recording) {
      const { preRollMs, maxSegmentMs } = this.settings;
      this.recorder = new SpeechSegmentRecorder(preRollMs, maxSegmentMs);
    }
  }

  protected override requestOptions(): RequestOptions {
    return {
      firstOutputTimeoutMs: this.settings.requestTimeoutMs,
      retry: retryPolicyFrom(this.settings),
      secret: this.connection.apiKey,
      describe: { model: this.settings.model },
    };
  }

  protected override hear(frame: FrameOf<'audio.in'>): void {
    const full = this.recorder.push(frame.audio, frame.sampleRate, this.clock.now());
    if (full) this.transcribe(full);
  }

  protected override speechStarted(frame: FrameOf<'user.speaking.started'>): void {
    this.recorder.start(frame.speechStartedAt ?? this.clock.now());
  }

  protected override finalize(): void {
    const segment = this.recorder.stop();
    if (segment) this.transcribe(segment);
  }

  /** Transcriptions in flight count as work in flight. */
  override async idle(): Promise<void> {
    await super.idle();
    for (let chain = this.chain; ; chain = this.chain) {
      await chain;
      if (chain === this.chain) return;
    }
  }

  /** `end` waits for the transcriptions still in flight. */
  protected override onEnd(): Promise<void> {
    return this.chain;
  }

  protected override onStop(): void {
    this.session.abort();
  }

  private transcribe(segment: SpeechSegment): void {
    if (segment.durationMs < this.settings.minSegmentMs) return;
    const endedAt = this.clock.now();
    this.chain = this.chain.then(() => this.transcribeNow(segment, endedAt));
  }

  private transcribeNow(segment: SpeechSegment, endedAt: number): Promise<void> {
    const settings = this.settings;
    const attempt = (signal: AbortSignal) => this.transcription(segment, settings, signal);
    const answer = this.request(attempt, this.session.signal);
    return this.awaitFinal(answer, endedAt, { audioMs: Math.round(segment.durationMs) });
  }

  private async transcription(
    segment: SpeechSegment,
    settings: OpenAISttSettings,
    signal: AbortSignal,
  ): Promise<string> {
    const wav = writeWav(segment.samples, segment.sampleRate);
    const file = await toFile(wav, 'speech.wav', { type: 'audio/wav' });
    const result = await this.client.audio.transcriptions.create(
      {
        file,
        model: settings.model,
        response_format: 'json',
        ...(settings.language ? { language: settings.language } : {}),
        ...(settings.prompt ? { prompt: settings.prompt } : {}),
      },
      { signal },
    );
    return result.text;
  }
}
