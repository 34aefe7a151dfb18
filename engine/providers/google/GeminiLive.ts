import {
  type LiveConnectConfig,
  type LiveServerContent,
  type LiveServerMessage,
  type LiveServerToolCall,
  Modality,
  type ModalityTokenCount,
  type UsageMetadata,
} from '@google/genai';
import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';
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
import { GeminiLiveSession } from './GeminiLiveSession.ts';
import { playedPart } from './playedPart.ts';
import { toFunctionResponses, toGeminiTools } from './toGeminiTools.ts';

/** The Live API hears 16 kHz PCM and speaks 24 kHz PCM, base64 in JSON. */
export const GEMINI_INPUT_RATE = 16000;
export const GEMINI_OUTPUT_RATE = 24000;

export const geminiLiveSettings = z.object({
  model: z.string().min(1).default('gemini-2.5-flash-native-audio-preview-09-2025'),
  systemInstruction: z
    .string()
    .max(20_000)
    .default('You are Parley, a friendly voice assistant. Keep answers short and conversational.'),
  voice: z
    .string()
    .min(1)
    .default('Puck')
    .describe('A prebuilt voice: Puck, Charon, Kore, Fenrir, Aoede, Leda, Orus, Zephyr…'),
  turnDetection: z
    .enum(['server', 'client'])
    .default('server')
    .describe(
      "server: Gemini's own VAD ends turns and hears barge-ins. client: a VAD node upstream " +
        '(e.g. vad.silero) does, its speech start/stop sent as activityStart/activityEnd',
    ),
  silenceDurationMs: z
    .number()
    .int()
    .min(100)
    .max(3000)
    .default(500)
    .describe('Silence that ends the user turn for the server VAD (ms; server turn detection)'),
  prefixPaddingMs: z
    .number()
    .int()
    .min(0)
    .max(2000)
    .default(300)
    .describe('Speech the server VAD needs before it commits to a user turn (ms)'),
  contextCompression: z
    .boolean()
    .default(true)
    .describe('Sliding-window compression, so a long call does not hit the context limit'),
  reconnectDelayMs: s2sSettings.shape.reconnectDelayMs
    .default(1000)
    .describe('Wait before reconnecting after a failure (ms)'),
});

export type GeminiLiveSettings = z.output<typeof geminiLiveSettings>;

export interface GeminiConnection {
  apiKey: string;
  baseUrl: string;
}

interface GeminiResponse extends S2sResponse {
  /** Our id for its audio in the playback tracker: the Live API names no items. */
  itemId: string;
  /** Audio of it pushed so far (ms), to place a barge-in within its transcript. */
  audioMs: number;
}

/**
 * The whole speech-to-speech loop in one node on Google's Gemini Live API,
 * through the `@google/genai` SDK. The server's VAD decides turns; a turn's
 * model output (audio, its transcription, tool calls) is one response, ended
 * by `turnComplete`. The protocol has no "response started", no cancel and
 * no truncate: a response starts at its first output; barge-in is the
 * server's `interrupted`, after which it has already stopped, so the base's
 * cut only silences what is on its way out and the local conversation keeps
 * the part of the answer that was played.
 *
 * Sessions are resumable: the latest handle from `sessionResumptionUpdate`
 * is dialled with, so after a `goAway` (swapped at the next quiet point), a
 * dropped socket, or a changed setup (tools, voice, instruction: the setup
 * is fixed per connection) the server still has the conversation. Without a
 * handle, a new session is seeded with the conversation so far as text turns.
 */
export class GeminiLive extends S2sProcessor<
  GeminiLiveSettings,
  GeminiLiveSession,
  GeminiResponse
> {
  protected override readonly settingsSchema = geminiLiveSettings;
  private handle: string | undefined;
  /** The current session was dialled with a handle: the server has the conversation. */
  private resumed = false;
  /** A new session should replace the current one as soon as no response is in flight. */
  private swapPending = false;
  private swapping = false;
  /** The user's words as transcribed so far this turn; the server sends them in pieces. */
  private heard = '';
  private usage: S2sUsage | undefined;
  private readonly cancelledCalls = new Set<string>();
  private turns = 0;
  /** Set by `truncate()` during a barge-in, to know whether playback was cut. */
  private truncated = false;

  constructor(
    id: string,
    settings: GeminiLiveSettings,
    private readonly connection: GeminiConnection,
    conversation?: ConversationContext,
  ) {
    super(id, settings, GEMINI_INPUT_RATE, conversation);
  }

  override setTools(tools: Tool[]): void {
    super.setTools(tools);
    this.reconfigure();
  }

  protected override onSettings(update: Partial<GeminiLiveSettings>): void {
    super.onSettings(update);
    this.reconfigure();
  }

  protected override async dial(): Promise<GeminiLiveSession> {
    const handle = this.handle;
    let session: GeminiLiveSession | undefined;
    const current = () => session === undefined || session === this.session;
    try {
      session = await GeminiLiveSession.connect(
        {
          ...this.connection,
          model: this.settings.model,
          config: this.liveConfig(handle),
          connectTimeoutMs: 10_000,
        },
        {
          onMessage: (message) => {
            if (current()) this.onMessage(message);
          },
          onMessageFailed: (message) =>
            this.pushError(new Error(`Gemini Live message could not be handled: ${message}`)),
          onClosed: (code, reason) => {
            if (!current()) return; // a session already replaced
            const why = `code ${code}${reason ? `: ${reason}` : ''}`;
            this.sessionLost(
              new Error(`Gemini Live session closed (${why}); reconnecting on the next audio`),
            );
          },
        },
      );
    } catch (error) {
      // The handle may be what was refused (they expire): the next attempt starts afresh.
      if (handle !== undefined && this.handle === handle) this.handle = undefined;
      throw error;
    }
    this.resumed = handle !== undefined;
    return session;
  }

  protected override sessionOpened(): void {
    this.logger.debug(
      { node: this.id, model: this.settings.model, resumed: this.resumed },
      'gemini live session open',
    );
    if (!this.resumed) this.seedConversation();
  }

  /**
   * Client turn detection: the graph's VAD marks the user's turns. Its speech
   * start is sent as `activityStart` (the server then stops a reply it is
   * giving, as its own VAD would) and silences the bot here at once; its stop
   * is `activityEnd`, which asks for the answer.
   */
  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'downstream' && this.settings.turnDetection === 'client') {
      if (frame.type === 'user.speaking.started') {
        this.session?.sendActivity('start');
        this.silenceBotForUser();
      } else if (frame.type === 'user.speaking.stopped') {
        this.markSpeechStopped();
        this.session?.sendActivity('end');
      }
    }
    return super.process(frame, direction);
  }

  protected override sendAudio(pcm: Int16Array): void {
    this.session?.sendAudio(pcmToBase64(pcm), GEMINI_INPUT_RATE);
  }

  protected override sendUserText(text: string): void {
    this.session?.sendTurns([{ role: 'user', text }], true);
  }

  /** Nothing to send: the Live API has no cancel; what still arrives of the response is dropped. */
  protected override cancelResponse(): void {}

  /**
   * The server cannot be told where playback stopped; the local
   * conversation gets the part of the answer that was heard instead.
   */
  protected override truncate({ itemId, playedMs }: PlaybackPosition): void {
    const response = this.response;
    if (response?.itemId !== itemId) return;
    this.truncated = true;
    const heard = playedPart(response.transcript, playedMs / Math.max(1, response.audioMs));
    if (heard) this.conversation?.add({ role: 'assistant', content: heard });
  }

  protected override sendToolResults(results: ToolCallResult[]): void {
    const live = results.filter((r) => !this.cancelledCalls.delete(r.callId));
    this.session?.sendToolResponse(toFunctionResponses(live));
  }

  private liveConfig(handle: string | undefined): LiveConnectConfig {
    const s = this.settings;
    return {
      responseModalities: [Modality.AUDIO],
      systemInstruction: s.systemInstruction,
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: s.voice } } },
      realtimeInputConfig: {
        automaticActivityDetection:
          s.turnDetection === 'client'
            ? { disabled: true }
            : {
                disabled: false,
                silenceDurationMs: s.silenceDurationMs,
                prefixPaddingMs: s.prefixPaddingMs,
              },
      },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      sessionResumption: handle === undefined ? {} : { handle },
      ...(s.contextCompression ? { contextWindowCompression: { slidingWindow: {} } } : {}),
      ...(this.tools.length > 0 ? { tools: toGeminiTools(this.tools) } : {}),
    };
  }

  /** A fresh session knows nothing: what was said so far goes in as context, unanswered. */
  private seedConversation(): void {
    const turns = (this.conversation?.messages ?? []).flatMap((m) => {
      const text = m.content.trim();
      if (!text || (m.role !== 'user' && m.role !== 'assistant')) return [];
      return [{ role: m.role === 'user' ? ('user' as const) : ('model' as const), text }];
    });
    if (turns.length > 0) this.session?.sendTurns(turns, false);
  }

  private onMessage(message: LiveServerMessage): void {
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) this.handle = update.newHandle;
    if (message.usageMetadata) this.usage = usageOf(message.usageMetadata);
    if (message.toolCallCancellation) {
      for (const id of message.toolCallCancellation.ids ?? []) this.cancelledCalls.add(id);
    }
    if (message.voiceActivity?.voiceActivityType === 'ACTIVITY_END') this.userStoppedSpeaking();
    if (message.serverContent) this.onContent(message.serverContent);
    if (message.toolCall) this.onToolCall(message.toolCall);
    if (message.goAway) {
      this.logger.debug({ node: this.id, timeLeft: message.goAway.timeLeft }, 'gemini go away');
      this.swapPending = true;
      this.swapWhenQuiet();
    }
  }

  private onContent(content: LiveServerContent): void {
    if (content.inputTranscription?.text) this.heard += content.inputTranscription.text;
    if (content.interrupted) this.onInterrupted();
    for (const part of content.modelTurn?.parts ?? []) {
      const audio = part.inlineData;
      if (!audio?.data || !audio.mimeType?.startsWith('audio/pcm')) continue;
      const response = this.ensureResponse();
      const rate = rateOf(audio.mimeType);
      const samples = base64ToPcm(audio.data);
      if (this.activeResponse() === response) response.audioMs += (samples.length / rate) * 1000;
      this.botAudio(response.itemId, samples, rate);
    }
    if (content.outputTranscription?.text) {
      this.ensureResponse();
      this.botSaid(content.outputTranscription.text);
    }
    if (content.turnComplete) {
      this.flushHeard();
      if (this.response) void this.responseDone(this.takeUsage(), false);
      this.swapWhenQuiet();
    }
  }

  /**
   * The model calls tools in the middle of its turn, possibly after it has
   * started speaking, and waits for the answer: the response so far is done,
   * the tools run, and what the model says next is a new response.
   */
  private onToolCall(toolCall: LiveServerToolCall): void {
    const response = this.ensureResponse();
    for (const call of toolCall.functionCalls ?? []) {
      response.calls.push({
        id: call.id ?? '',
        name: call.name ?? '',
        arguments: JSON.stringify(call.args ?? {}),
      });
    }
    void this.responseDone(this.takeUsage(), true);
  }

  /** The server heard the user over the bot and has stopped its turn. */
  private onInterrupted(): void {
    const response = this.activeResponse();
    this.truncated = false;
    // With client turn detection the graph's VAD already said the user started (and cut the bot).
    if (this.settings.turnDetection === 'client') this.silenceBotForUser();
    else this.userStartedSpeaking();
    // All of it was played before the user spoke (nothing to cut): the whole answer was heard.
    const said = response?.transcript.trim();
    if (response && !this.truncated && said)
      this.conversation?.add({ role: 'assistant', content: said });
    if (this.response) void this.responseDone(this.takeUsage(), false);
  }

  private ensureResponse(): GeminiResponse {
    if (this.response) return this.response;
    this.flushHeard();
    this.responseStarted({
      itemId: `turn-${++this.turns}`,
      audioMs: 0,
      calls: [],
      transcript: '',
      interrupted: false,
      audioStarted: false,
    });
    return this.response!;
  }

  private flushHeard(): void {
    const heard = this.heard;
    this.heard = '';
    this.userSaid(heard);
  }

  private takeUsage(): S2sUsage | undefined {
    const usage = this.usage;
    this.usage = undefined;
    return usage;
  }

  /**
   * A new setup (tools, voice, instruction) needs a new connection; resumed,
   * it keeps the conversation.
   */
  private reconfigure(): void {
    if (!this.session?.isOpen) return;
    this.swapPending = true;
    this.swapWhenQuiet();
  }

  /** Dials the replacement session while the old one still serves, then switches over. */
  private swapWhenQuiet(): void {
    if (!this.swapPending || this.swapping || this.response || !this.session) return;
    this.swapPending = false;
    this.swapping = true;
    this.dial()
      .then((next) => {
        if (this.isStopped) {
          next.close();
          return;
        }
        const old = this.session;
        this.session = next;
        old?.close();
        this.sessionOpened();
      })
      .catch((error: unknown) => this.pushError(error))
      .finally(() => (this.swapping = false));
  }
}

function rateOf(mimeType: string): number {
  const rate = /rate=(\d+)/.exec(mimeType)?.[1];
  return rate ? Number(rate) : GEMINI_OUTPUT_RATE;
}

function usageOf(usage: UsageMetadata): S2sUsage | undefined {
  if (usage.totalTokenCount === undefined) return undefined;
  return {
    totalTokens: usage.totalTokenCount,
    promptTokens: usage.promptTokenCount ?? 0,
    completionTokens: usage.responseTokenCount ?? 0,
    inputTextTokens: byModality(usage.promptTokensDetails, 'TEXT'),
    inputAudioTokens: byModality(usage.promptTokensDetails, 'AUDIO'),
    cachedTokens: usage.cachedContentTokenCount,
    outputTextTokens: byModality(usage.responseTokensDetails, 'TEXT'),
    outputAudioTokens: byModality(usage.responseTokensDetails, 'AUDIO'),
  };
}

/** Tokens of one modality in Gemini's per-modality counts; undefined when it reports none. */
function byModality(
  details: ModalityTokenCount[] | undefined,
  modality: string,
): number | undefined {
  if (!details) return undefined;
  return details
    .filter((d) => String(d.modality) === modality)
    .reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
}
