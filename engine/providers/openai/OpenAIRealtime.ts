import type {
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
} from 'openai/resources/realtime/realtime';
import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { base64ToPcm, pcmToBase64 } from '../../services/s2s/base64Pcm.ts';
import {
  type PlaybackPosition,
  S2sProcessor,
  type S2sResponse,
  type S2sUsage,
  s2sSettings,
} from '../../services/s2s/S2sProcessor.ts';
import type { ToolCallResult } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';
import type { OpenAIConnection } from './createOpenAIClient.ts';
import { RealtimeSocket } from './RealtimeSocket.ts';

/** The Realtime API's audio format: PCM s16le mono at 24 kHz, base64 in JSON. */
export const REALTIME_SAMPLE_RATE = 24000;

export const openAIRealtimeSettings = z.object({
  model: z.string().min(1).default('gpt-realtime'),
  instructions: z
    .string()
    .max(20_000)
    .default('You are Parley, a friendly voice assistant. Keep answers short and conversational.'),
  voice: z
    .string()
    .min(1)
    .default('marin')
    .describe(
      'alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar; ' +
        'fixed once the bot has spoken',
    ),
  vadThreshold: z.number().min(0).max(1).default(0.5).describe('Server VAD speech threshold'),
  silenceDurationMs: z
    .number()
    .int()
    .min(100)
    .max(3000)
    .default(500)
    .describe('Silence that ends the user turn (ms)'),
  prefixPaddingMs: z
    .number()
    .int()
    .min(0)
    .max(2000)
    .default(300)
    .describe('Audio before detected speech the model also hears (ms)'),
  transcriptionModel: z
    .string()
    .min(1)
    .default('gpt-4o-mini-transcribe')
    .describe('Transcribes the user for transcripts and the conversation log'),
  reconnectDelayMs: s2sSettings.shape.reconnectDelayMs
    .default(1000)
    .describe('Wait before reconnecting after a failure (ms)'),
  truncationRetentionRatio: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "When the conversation outgrows the model's context, keep this fraction of it " +
        "(e.g. 0.8: fewer, larger truncations, better prompt caching); 0: the server's default",
    ),
});

export type OpenAIRealtimeSettings = z.output<typeof openAIRealtimeSettings>;

interface RealtimeResponse extends S2sResponse {
  id: string;
}

type RealtimeResponseDone = Extract<RealtimeServerEvent, { type: 'response.done' }>['response'];

/**
 * The whole speech-to-speech loop in one node, on OpenAI's Realtime API (GA)
 * over its WebSocket: microphone audio is resampled to 24 kHz and appended,
 * the server's VAD decides turns, audio deltas become `audio.out`, transcripts
 * `transcript.final` (user) and `llm.text` (bot), function calls run through
 * the graph's tools and are answered. On the server's `speech_started` it
 * pushes `user.speaking.started` and `interrupt` downstream — the output
 * stops at once — and truncates the bot's item at what was actually played.
 * What every speech-to-speech node does is the base's; this maps the
 * Realtime protocol onto it.
 */
export class OpenAIRealtime extends S2sProcessor<
  OpenAIRealtimeSettings,
  RealtimeSocket,
  RealtimeResponse
> {
  protected override readonly settingsSchema = openAIRealtimeSettings;

  constructor(
    id: string,
    settings: OpenAIRealtimeSettings,
    private readonly connection: OpenAIConnection,
    conversation?: ConversationContext,
  ) {
    super(id, settings, REALTIME_SAMPLE_RATE, conversation);
  }

  override setTools(tools: Tool[]): void {
    super.setTools(tools);
    this.sendSession();
  }

  protected override onSettings(update: Partial<OpenAIRealtimeSettings>): void {
    super.onSettings(update);
    this.sendSession();
  }

  protected override dial(): Promise<RealtimeSocket> {
    const { apiKey, baseUrl } = this.connection;
    return RealtimeSocket.connect(
      { apiKey, baseUrl, model: this.settings.model, connectTimeoutMs: 10_000 },
      {
        onEvent: (event) => this.onEvent(event),
        onEventFailed: (type, message) =>
          this.pushError(new Error(`Realtime event ${type} could not be handled: ${message}`)),
        onClosed: (code, reason) => {
          const why = `code ${code}${reason ? `: ${reason}` : ''}`;
          const message = `Realtime session closed (${why}); reconnecting on the next audio`;
          this.sessionLost(new Error(message));
        },
      },
    );
  }

  protected override sessionOpened(): void {
    this.logger.debug({ node: this.id, model: this.settings.model }, 'realtime session open');
    this.sendSession();
    this.seedConversation();
  }

  protected override sendAudio(pcm: Int16Array): void {
    this.session?.send({ type: 'input_audio_buffer.append', audio: pcmToBase64(pcm) });
  }

  protected override sendUserText(text: string): void {
    this.session?.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    this.session?.send({ type: 'response.create' });
  }

  protected override cancelResponse(): void {
    this.session?.send({ type: 'response.cancel' });
  }

  protected override truncate({ itemId, playedMs }: PlaybackPosition): void {
    this.session?.send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: playedMs,
    });
  }

  protected override sendToolResults(results: ToolCallResult[]): void {
    for (const r of results) {
      this.session?.send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: r.callId, output: r.content },
      });
    }
    this.session?.send({ type: 'response.create' });
  }

  /**
   * A new Realtime session knows nothing of what was said: the conversation
   * so far (this session's, e.g. on a cascade before a graph switch, or
   * before a reconnect) is replayed as items, without asking for a response.
   */
  private seedConversation(): void {
    for (const message of this.conversation?.messages ?? []) {
      const text = message.content.trim();
      if (!text) continue;
      if (message.role === 'user') {
        this.session?.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
        });
      } else if (message.role === 'assistant') {
        this.session?.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] },
        });
      }
    }
  }

  private sendSession(): void {
    if (!this.session?.isOpen) return;
    const s = this.settings;
    const session: RealtimeSessionCreateRequest = {
      type: 'realtime',
      instructions: s.instructions,
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: REALTIME_SAMPLE_RATE },
          transcription: { model: s.transcriptionModel },
          turn_detection: {
            type: 'server_vad',
            threshold: s.vadThreshold,
            silence_duration_ms: s.silenceDurationMs,
            prefix_padding_ms: s.prefixPaddingMs,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: REALTIME_SAMPLE_RATE }, voice: s.voice },
      },
      tools: this.tools.map((t) => ({
        type: 'function',
        name: t.name,
        description: t.description,
        parameters: t.parameters,
      })),
      tool_choice: 'auto',
      // A long call never fails on context: the server drops the oldest turns ('auto'), or
      // down to the retained fraction in one go, which keeps its prompt cache warm longer.
      truncation:
        s.truncationRetentionRatio > 0
          ? { type: 'retention_ratio', retention_ratio: s.truncationRetentionRatio }
          : 'auto',
    };
    this.session.send({ type: 'session.update', session });
  }

  private onEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        // The server cancels its response itself (interrupt_response).
        return this.userStartedSpeaking();
      case 'input_audio_buffer.speech_stopped':
        return this.userStoppedSpeaking();
      case 'conversation.item.input_audio_transcription.completed':
        return this.userSaid(event.transcript);
      case 'response.created':
        return this.responseStarted({
          id: event.response.id ?? '',
          calls: [],
          transcript: '',
          interrupted: false,
          audioStarted: false,
        });
      case 'response.output_audio.delta':
        if (this.isCurrent(event.response_id)) {
          this.botAudio(event.item_id, base64ToPcm(event.delta), REALTIME_SAMPLE_RATE);
        }
        return;
      case 'response.output_audio_transcript.delta':
        if (this.isCurrent(event.response_id)) this.botSaid(event.delta);
        return;
      case 'response.function_call_arguments.done':
        if (this.isCurrent(event.response_id)) {
          const { call_id: id, name, arguments: args } = event;
          this.response!.calls.push({ id, name, arguments: args });
        }
        return;
      case 'response.done':
        return this.onResponseDone(event.response);
      case 'error': {
        const message = this.session?.redact(event.error.message) ?? event.error.message;
        this.pushError(new Error(`Realtime API error: ${message}`));
        return;
      }
      default:
        return;
    }
  }

  private onResponseDone(done: RealtimeResponseDone): void {
    if (this.response?.id !== (done.id ?? '')) return;
    void this.responseDone(usageOf(done), done.status === 'completed');
  }

  private isCurrent(responseId: string): boolean {
    return this.activeResponse()?.id === responseId;
  }
}

function usageOf({ usage }: RealtimeResponseDone): S2sUsage | undefined {
  if (usage?.total_tokens === undefined) return undefined;
  return {
    totalTokens: usage.total_tokens,
    promptTokens: usage.input_tokens ?? 0,
    completionTokens: usage.output_tokens ?? 0,
    inputTextTokens: usage.input_token_details?.text_tokens,
    inputAudioTokens: usage.input_token_details?.audio_tokens,
    cachedTokens: usage.input_token_details?.cached_tokens,
    outputTextTokens: usage.output_token_details?.text_tokens,
    outputAudioTokens: usage.output_token_details?.audio_tokens,
  };
}
