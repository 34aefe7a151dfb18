import type OpenAI from 'openai';
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';
import { PcmChunkDecoder } from '../../audio/PcmChunkDecoder.ts';
import { RequestAttempt } from '../../services/retry/RequestAttempt.ts';
import { retryBeforeOutput } from '../../services/retry/retryBeforeOutput.ts';
import { TtsProcessor, type SynthesizedAudio } from '../../services/tts/TtsProcessor.ts';

/** The `pcm` response format of `/audio/speech`: s16le mono at 24 kHz. */
export const OPENAI_TTS_SAMPLE_RATE = 24000;

export interface OpenAITtsSettings {
  model: string;
  voice: string;
  /** How to speak (tone, pace, accent); ignored by tts-1 models. */
  instructions: string;
  speed: number;
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** An attempt with no audio by then is abandoned (and retried) (ms). */
  firstByteTimeoutMs: number;
}

/**
 * Text-to-speech on OpenAI's `/audio/speech` through the official SDK, asking
 * for raw PCM and pushing each network chunk as it arrives: the first audio
 * leaves long before the sentence is synthesised. An interrupt aborts the
 * HTTP request, so the server stops generating too.
 */
export class OpenAITts extends TtsProcessor {
  private readonly client: OpenAI;

  constructor(
    id: string,
    private settings: OpenAITtsSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id);
    this.client = createOpenAIClient(connection);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<OpenAITtsSettings>) };
  }

  protected override async speak(text: string, signal: AbortSignal, emit: (audio: SynthesizedAudio, first: boolean) => void): Promise<void> {
    let first = true;
    const settings = this.settings;
    await retryBeforeOutput(
      () => this.stream(text, settings, signal, (samples) => {
        emit({ samples, sampleRate: OPENAI_TTS_SAMPLE_RATE }, first);
        first = false;
      }),
      () => !first,
      {
        policy: { maxRetries: settings.maxRetries, baseDelayMs: settings.retryDelayMs, maxDelayMs: settings.maxRetryDelayMs },
        clock: this.clock,
        signal,
        logger: this.logger,
        secret: this.connection.apiKey,
        describe: { node: this.id, model: settings.model },
      },
    );
  }

  /** Whole-sentence synthesis, for callers that want the audio in one piece. */
  protected override async synthesize(text: string, signal: AbortSignal): Promise<SynthesizedAudio> {
    const parts: Int16Array[] = [];
    await this.speak(text, signal, (audio) => parts.push(audio.samples));
    const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      samples.set(p, offset);
      offset += p.length;
    }
    return { samples, sampleRate: OPENAI_TTS_SAMPLE_RATE };
  }

  private async stream(text: string, settings: OpenAITtsSettings, signal: AbortSignal, emit: (samples: Int16Array) => void): Promise<void> {
    const attempt = new RequestAttempt(this.clock, signal, settings.firstByteTimeoutMs);
    try {
      const response = await this.client.audio.speech.create(
        {
          model: settings.model,
          voice: settings.voice,
          input: text,
          response_format: 'pcm',
          speed: settings.speed,
          ...(settings.instructions ? { instructions: settings.instructions } : {}),
        },
        { signal: attempt.signal },
      );
      if (!response.body) throw new Error('speech response has no body');
      const reader = response.body.getReader();
      const decoder = new PcmChunkDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          attempt.gotFirstByte();
          const samples = decoder.push(value);
          if (samples.length > 0 && !signal.aborted) emit(samples);
        }
      } finally {
        reader.releaseLock();
      }
    } catch (error) {
      throw attempt.explain(error);
    } finally {
      attempt.close();
    }
  }
}
