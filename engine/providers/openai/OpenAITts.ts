import type OpenAI from 'openai';
import { z } from 'zod';
import { PcmChunkDecoder } from '../../audio/PcmChunkDecoder.ts';
import type { RequestOptions } from '../../services/retry/RequestOptions.ts';
import { retryPolicyFrom, retrySettings } from '../../services/retry/retrySettings.ts';
import { type EmitAudio, TtsProcessor } from '../../services/tts/TtsProcessor.ts';
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';

/** The `pcm` response format of `/audio/speech`: s16le mono at 24 kHz. */
export const OPENAI_TTS_SAMPLE_RATE = 24000;

export const openAITtsSettings = z.object({
  model: z.string().min(1).default('gpt-4o-mini-tts').describe('gpt-4o-mini-tts, tts-1, tts-1-hd'),
  voice: z
    .string()
    .min(1)
    .default('coral')
    .describe(
      'alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar',
    ),
  instructions: z
    .string()
    .max(4000)
    .default('')
    .describe('How to speak: tone, pace, accent (not for tts-1)'),
  speed: z.number().min(0.25).max(4).default(1),
  firstByteTimeoutMs: z
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(5000)
    .describe('Abandon (and retry) an attempt with no audio by then (ms)'),
  ...retrySettings,
});

export type OpenAITtsSettings = z.output<typeof openAITtsSettings>;

/**
 * Text-to-speech on OpenAI's `/audio/speech` through the official SDK, asking
 * for raw PCM and pushing each network chunk as it arrives: the first audio
 * leaves long before the sentence is synthesised. An interrupt aborts the
 * HTTP request, so the server stops generating too.
 */
export class OpenAITts extends TtsProcessor<OpenAITtsSettings> {
  protected override readonly settingsSchema = openAITtsSettings;
  private readonly client: OpenAI;

  constructor(
    id: string,
    settings: OpenAITtsSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id, settings);
    this.client = createOpenAIClient(connection);
  }

  protected override requestOptions(): RequestOptions {
    return {
      firstOutputTimeoutMs: this.settings.firstByteTimeoutMs,
      retry: retryPolicyFrom(this.settings),
      secret: this.connection.apiKey,
      describe: { model: this.settings.model },
    };
  }

  protected override async speak(
    text: string,
    signal: AbortSignal,
    emit: EmitAudio,
  ): Promise<void> {
    const { model, voice, speed, instructions } = this.settings;
    const response = await this.client.audio.speech.create(
      {
        model,
        voice,
        input: text,
        response_format: 'pcm',
        speed,
        ...(instructions ? { instructions } : {}),
      },
      { signal },
    );
    if (!response.body) throw new Error('speech response has no body');
    const reader = response.body.getReader();
    const decoder = new PcmChunkDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        emit({ samples: decoder.push(value), sampleRate: OPENAI_TTS_SAMPLE_RATE });
      }
    } finally {
      reader.releaseLock();
    }
  }
}
