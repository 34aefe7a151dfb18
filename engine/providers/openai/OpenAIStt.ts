import type OpenAI from 'openai';
import { toFile } from 'openai';
import { writeWav } from '../../audio/wav.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';
import { RequestAttempt } from '../../services/retry/RequestAttempt.ts';
import { retryBeforeOutput } from '../../services/retry/retryBeforeOutput.ts';
import { SpeechSegmentRecorder, type SpeechSegment } from '../../services/stt/SpeechSegmentRecorder.ts';

export interface OpenAISttSettings {
  model: string;
  /** ISO-639-1 code; empty = detect. */
  language: string;
  /** Vocabulary hints: names, jargon. */
  prompt: string;
  /** Audio kept from before the VAD's start, reached back into via `speechStartedAt` (ms). */
  preRollMs: number;
  /** Shorter segments (a click, a cough) are not sent (ms). */
  minSegmentMs: number;
  /** Longer speech is sent in pieces of this length (ms). */
  maxSegmentMs: number;
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** A transcription not answered by then is abandoned (and retried) (ms). */
  requestTimeoutMs: number;
}

/**
 * Speech-to-text on OpenAI's `/audio/transcriptions` (gpt-4o-transcribe,
 * whisper-1 or any compatible server), one request per utterance: audio is
 * recorded between the VAD's `user.speaking.started` (from `speechStartedAt`,
 * with pre-roll) and `user.speaking.stopped`, then sent as WAV and answered
 * with `transcript.final`. Audio frames pass on unchanged. Transcriptions run
 * in the background, one after another, so the microphone stream never waits
 * for the network and transcripts keep their order.
 */
export class OpenAIStt extends FrameProcessor {
  private readonly client: OpenAI;
  private recorder: SpeechSegmentRecorder;
  /** Transcriptions in order: each starts when the one before it finished. */
  private chain: Promise<void> = Promise.resolve();
  /** Aborted on stop only: an interrupt of the bot must not lose what the user said. */
  private readonly session = new AbortController();

  constructor(
    id: string,
    private settings: OpenAISttSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id);
    this.client = createOpenAIClient(connection);
    this.recorder = new SpeechSegmentRecorder(settings.preRollMs, settings.maxSegmentMs);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<OpenAISttSettings>) };
    if ('preRollMs' in settings || 'maxSegmentMs' in settings) {
      if (!this.recorder.recording) this.recorder = new SpeechSegmentRecorder(this.settings.preRollMs, this.settings.maxSegmentMs);
    }
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === 'downstream') {
      if (frame.type === 'audio.in') {
        const full = this.recorder.push(frame.audio, frame.sampleRate, this.clock.now());
        if (full) this.transcribe(full);
      } else if (frame.type === 'user.speaking.started') {
        this.recorder.start(frame.speechStartedAt ?? this.clock.now());
      } else if (frame.type === 'user.speaking.stopped') {
        const segment = this.recorder.stop();
        if (segment) this.transcribe(segment);
      }
    }
    this.push(frame, direction);
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

  private async transcribeNow(segment: SpeechSegment, endedAt: number): Promise<void> {
    const settings = this.settings;
    const signal = this.session.signal;
    try {
      const text = await retryBeforeOutput(() => this.request(segment, settings, signal), () => false, {
        policy: { maxRetries: settings.maxRetries, baseDelayMs: settings.retryDelayMs, maxDelayMs: settings.maxRetryDelayMs },
        clock: this.clock,
        signal,
        logger: this.logger,
        secret: this.connection.apiKey,
        describe: { node: this.id, model: settings.model },
      });
      if (text === undefined || signal.aborted) return;
      this.pushMetric('ttfb', this.clock.now() - endedAt, { audioMs: Math.round(segment.durationMs) });
      const trimmed = text.trim();
      if (trimmed) this.push(this.frame('transcript.final', { text: trimmed }));
    } catch (error) {
      // The utterance is lost, the session is not: the next one is transcribed as usual.
      this.pushError(error);
    }
  }

  private async request(segment: SpeechSegment, settings: OpenAISttSettings, signal: AbortSignal): Promise<string> {
    const attempt = new RequestAttempt(this.clock, signal, settings.requestTimeoutMs);
    try {
      const file = await toFile(writeWav(segment.samples, segment.sampleRate), 'speech.wav', { type: 'audio/wav' });
      const result = await this.client.audio.transcriptions.create(
        {
          file,
          model: settings.model,
          response_format: 'json',
          ...(settings.language ? { language: settings.language } : {}),
          ...(settings.prompt ? { prompt: settings.prompt } : {}),
        },
        { signal: attempt.signal },
      );
      return result.text;
    } catch (error) {
      throw attempt.explain(error);
    } finally {
      attempt.close();
    }
  }
}
