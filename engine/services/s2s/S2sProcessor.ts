import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { ChatToolCall, Frame } from '../../core/frames.ts';
import type { ToolHost } from '../../graph/NodeRegistry.ts';
import {
  estimateTextTokens,
  INPUT_AUDIO_TOKENS_PER_SECOND,
  OUTPUT_AUDIO_TOKENS_PER_SECOND,
} from '../../metrics/Usage.ts';
import { runToolCalls, type ToolCallResult } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';
import { InputResampler } from './InputResampler.ts';
import { PlaybackTracker } from './PlaybackTracker.ts';

/** The settings the base reads; each node's schema sets the default and text. */
export const s2sSettings = z.object({
  reconnectDelayMs: z.number().int().min(0).max(30_000),
});

export type S2sSettings = z.output<typeof s2sSettings>;

/** A provider's live connection, as the base needs it. */
export interface S2sSession {
  readonly isOpen: boolean;
  /** Closes on our initiative: the provider must not report it as a loss. */
  close(): void;
}

/** One bot response as the base tracks it; a provider adds its own ids. */
export interface S2sResponse {
  /** The user barged in: anything still arriving for it is stale. */
  interrupted: boolean;
  audioStarted: boolean;
  /** What the bot said, as the provider transcribes it. */
  transcript: string;
  /** Function calls the model made in it, run when it is done. */
  calls: ChatToolCall[];
}

export interface S2sUsage {
  totalTokens: number;
  promptTokens: number;
  completionTokens: number;
  /** The split by modality, where the provider reports it (part of prompt/completion). */
  inputTextTokens?: number;
  inputAudioTokens?: number;
  outputTextTokens?: number;
  outputAudioTokens?: number;
  /** Prompt tokens served from the provider's cache. */
  cachedTokens?: number;
}

/** Where the user stopped hearing the bot: the provider's item and how far into it. */
export interface PlaybackPosition {
  itemId: string;
  playedMs: number;
}

/**
 * What every speech-to-speech node shares (the model hears and speaks; the
 * provider decides turns). The base keeps the session: dialled at start and
 * again on the next audio after a failure, `reconnectDelayMs` later; closed on
 * stop. It resamples microphone audio to the provider's rate, tracks what of
 * the bot's audio was played, and turns provider events — which the subclass
 * maps to the calls below — into the graph's frames: `user.speaking.*`,
 * `transcript.final`, `llm.response.start/end`, `llm.text`, `audio.out`,
 * `ttfb` from the end of user speech to the first bot audio, `s2s.usage`
 * (estimated from the audio and text when the provider reports none),
 * tool calls run with the graph's tools. On barge-in (the provider heard the
 * user, text was typed, or an interrupt came through the graph) the response
 * is cut: its late events are dropped, running tools are cancelled, and the
 * provider is told where playback stopped.
 *
 * A subclass speaks the provider's protocol: `dial()`, `sessionOpened()`,
 * `sendAudio()`, `sendUserText()`, `cancelResponse()`, `truncate()`,
 * `sendToolResults()`, and reports the session's loss through `sessionLost()`.
 */
export abstract class S2sProcessor<
    S extends S2sSettings,
    T extends S2sSession,
    R extends S2sResponse = S2sResponse,
  >
  extends FrameProcessor
  implements ToolHost
{
  protected tools: Tool[] = [];
  protected session: T | undefined;
  protected response: R | undefined;
  private connecting: Promise<void> | undefined;
  private retryAfter = 0;
  private readonly input: InputResampler;
  private readonly playback = new PlaybackTracker();
  private speechStoppedAt: number | undefined;
  /** Audio sent and received since the last response was done, for a usage estimate. */
  private sentSeconds = 0;
  private receivedSeconds = 0;
  private readonly inputSampleRate: number;
  /** Tool calls run under this; cancelled when the user barges in or the node stops. */
  private toolRun = new AbortController();

  constructor(
    id: string,
    protected settings: S,
    /** The rate the provider takes microphone audio at. */
    inputSampleRate: number,
    protected readonly conversation?: ConversationContext,
  ) {
    super(id);
    this.input = new InputResampler(inputSampleRate);
    this.inputSampleRate = inputSampleRate;
  }

  setTools(tools: Tool[]): void {
    this.tools = tools;
  }

  get isConnected(): boolean {
    return this.session?.isOpen === true;
  }

  /** Opens a session with the provider. */
  protected abstract dial(): Promise<T>;
  /** The new session is `this.session`: configure it, tell it what was said so far. */
  protected abstract sessionOpened(): void;
  protected abstract sendAudio(pcm: Int16Array): void;
  /** Typed text as a user turn, answered. */
  protected abstract sendUserText(text: string): void;
  /** Stops the provider's response in flight. */
  protected abstract cancelResponse(): void;
  /** Cuts the provider's copy of the bot's audio at what the user heard. */
  protected abstract truncate(position: PlaybackPosition): void;
  /** Hands tool results to the provider and lets the model go on. */
  protected abstract sendToolResults(results: ToolCallResult[]): void;

  protected override onSettings(update: Partial<S>): void {
    this.settings = { ...this.settings, ...update };
  }

  protected override onStart(): void {
    this.connect();
  }

  protected override onStop(): void {
    this.toolRun.abort();
    this.session?.close();
    this.session = undefined;
    this.input.destroy();
  }

  /** An interrupt from elsewhere in the graph (a user-turn node): stop the bot's response. */
  protected override onInterrupt(): void {
    if (this.cutResponse()) this.cancelResponse();
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'upstream' && frame.type === 'bot.speaking.started') {
      this.playback.playbackStarted(this.clock.now());
    }
    if (direction === 'downstream' && frame.type === 'text.input') this.userTyped(frame.text);
    this.push(frame, direction);
    if (direction === 'downstream' && frame.type === 'audio.in') {
      return this.forwardAudio(frame.audio, frame.sampleRate);
    }
  }

  /** The session closed by itself: end the response, report `error`, reconnect on next audio. */
  protected sessionLost(error: Error): void {
    this.session = undefined;
    this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
    if (this.response && !this.response.interrupted) this.push(this.frame('llm.response.end', {}));
    this.response = undefined;
    this.playback.reset();
    if (!this.isStopped) this.pushError(error);
  }

  /** The response still being played: not cut short by the user. */
  protected activeResponse(): R | undefined {
    return this.response && !this.response.interrupted ? this.response : undefined;
  }

  protected userStartedSpeaking(): void {
    this.push(this.frame('user.speaking.started', { speechStartedAt: this.clock.now() }));
    this.silenceBotForUser();
  }

  /** The user talks over the bot: the provider stops its response itself; we silence what is already on its way out. */
  protected silenceBotForUser(): void {
    if (this.cutResponse()) this.push(this.frame('interrupt', { reason: 'user started speaking' }));
  }

  protected userStoppedSpeaking(): void {
    this.push(this.frame('user.speaking.stopped', { speechEndedAt: this.markSpeechStopped() }));
  }

  /** The user's turn ended now (by the provider's VAD or a local one): the reply's ttfb counts from here. */
  protected markSpeechStopped(): number {
    this.speechStoppedAt = this.clock.now();
    return this.speechStoppedAt;
  }

  /** The provider's transcript of the user's words. */
  protected userSaid(transcript: string): void {
    const text = transcript.trim();
    if (!text) return;
    this.conversation?.add({ role: 'user', content: text });
    this.push(this.frame('transcript.final', { text }));
  }

  protected responseStarted(response: R): void {
    this.response = response;
    this.push(this.frame('llm.response.start', {}));
  }

  /** Text of the active response's speech; dropped once the response was cut. */
  protected botSaid(text: string): void {
    const response = this.activeResponse();
    if (!response) return;
    response.transcript += text;
    this.push(this.frame('llm.text', { text }));
  }

  /** Audio of the active response, part of the provider's item `itemId`; dropped once cut. */
  protected botAudio(itemId: string, samples: Int16Array, sampleRate: number): void {
    const response = this.activeResponse();
    if (!response) return;
    const now = this.clock.now();
    if (!response.audioStarted) {
      response.audioStarted = true;
      if (this.speechStoppedAt !== undefined) this.pushMetric('ttfb', now - this.speechStoppedAt);
      this.speechStoppedAt = undefined;
    }
    this.receivedSeconds += samples.length / sampleRate;
    this.playback.pushed(itemId, (samples.length / sampleRate) * 1000, now);
    this.push(this.frame('audio.out', { audio: samples, sampleRate }));
  }

  /**
   * The current response is over: its usage is reported; unless it was cut
   * short, what the bot said joins the conversation and, when `runTools`,
   * its function calls are answered before `llm.response.end`.
   */
  protected async responseDone(usage: S2sUsage | undefined, runTools: boolean): Promise<void> {
    const response = this.response;
    if (!response) return;
    this.response = undefined;
    this.reportUsage(usage ?? this.estimateUsage(response.transcript));
    if (response.interrupted) return;
    const said = response.transcript.trim();
    if (said) this.conversation?.add({ role: 'assistant', content: said });
    if (runTools && response.calls.length > 0) await this.answerCalls(response.calls);
    this.push(this.frame('llm.response.end', {}));
  }

  private connect(): void {
    if (this.connecting || this.session || this.isStopped) return;
    if (this.clock.now() < this.retryAfter) return;
    this.connecting = this.dial()
      .then((session) => {
        if (this.isStopped) {
          session.close();
          return;
        }
        this.session = session;
        this.sessionOpened();
      })
      .catch((error: unknown) => {
        this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
        this.pushError(error);
      })
      .finally(() => (this.connecting = undefined));
  }

  private async forwardAudio(audio: Int16Array, sampleRate: number): Promise<void> {
    if (!this.session?.isOpen) {
      // Audio while disconnected is dropped: the provider's VAD needs live audio, not a backlog.
      this.connect();
      return;
    }
    const pcm = await this.input.process(audio, sampleRate);
    if (pcm.length === 0) return;
    this.sentSeconds += pcm.length / this.inputSampleRate;
    this.sendAudio(pcm);
  }

  private reportUsage(usage: S2sUsage & { estimated?: 1 }): void {
    this.sentSeconds = 0;
    this.receivedSeconds = 0;
    const { totalTokens, ...counts } = usage;
    const detail: Record<string, number> = {};
    for (const [key, value] of Object.entries(counts)) if (value !== undefined) detail[key] = value;
    this.pushMetric('s2s.usage', totalTokens, detail);
  }

  /**
   * The provider reported no usage: the audio both ways at OpenAI's tokens
   * per second and the bot's words at four characters a token, marked estimated.
   */
  private estimateUsage(transcript: string): S2sUsage & { estimated: 1 } {
    const inputAudioTokens = audioTokens(this.sentSeconds, INPUT_AUDIO_TOKENS_PER_SECOND);
    const outputAudioTokens = audioTokens(this.receivedSeconds, OUTPUT_AUDIO_TOKENS_PER_SECOND);
    const outputTextTokens = estimateTextTokens(transcript.length);
    const completionTokens = outputTextTokens + outputAudioTokens;
    return {
      totalTokens: inputAudioTokens + completionTokens,
      promptTokens: inputAudioTokens,
      completionTokens,
      inputTextTokens: 0,
      inputAudioTokens,
      outputTextTokens,
      outputAudioTokens,
      estimated: 1,
    };
  }

  private userTyped(text: string): void {
    if (this.cutResponse()) {
      this.cancelResponse();
      this.push(this.frame('interrupt', { reason: 'typed text' }));
    }
    this.conversation?.add({ role: 'user', content: text });
    this.sendUserText(text);
  }

  /** Runs the model's function calls with the graph's tools and hands the results back. */
  private async answerCalls(calls: ChatToolCall[]): Promise<void> {
    this.push(this.frame('llm.tool.call', { calls }));
    const signal = this.toolRun.signal;
    let results: ToolCallResult[];
    try {
      results = await runToolCalls(calls, this.tools, signal, this.clock);
    } catch {
      return; // the user barged in while the tools ran: nobody waits for the answer
    }
    if (signal.aborted || !this.session) return;
    for (const { callId, name, content, isError } of results) {
      this.push(this.frame('llm.tool.result', { callId, name, result: content, isError }));
    }
    this.sendToolResults(results);
  }

  /**
   * Stops the bot's current response: drops what is still arriving, cancels
   * running tools, and truncates the provider's copy of the bot's audio at
   * what the user heard. Returns whether there was anything to stop.
   */
  private cutResponse(): boolean {
    const playing = this.playback.playing(this.clock.now());
    const active = this.activeResponse() !== undefined;
    if (this.response) this.response.interrupted = true;
    this.toolRun.abort();
    this.toolRun = new AbortController();
    this.playback.reset();
    if (playing) this.truncate(playing);
    return active || playing !== undefined;
  }
}

/** Whole tokens for `seconds` of audio; rounded to the millisecond first, so 20 × 0.1 s is 2 s. */
function audioTokens(seconds: number, perSecond: number): number {
  return Math.ceil((Math.round(seconds * 1000) * perSecond) / 1000);
}
