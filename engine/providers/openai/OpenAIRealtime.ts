import type { RealtimeServerEvent, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { Resampler } from '../../audio/Resampler.ts';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { ChatToolCall, Frame } from '../../core/frames.ts';
import type { ToolHost } from '../../graph/NodeRegistry.ts';
import type { OpenAIConnection } from './createOpenAIClient.ts';
import { RealtimeSocket } from './RealtimeSocket.ts';
import { runToolCalls } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';
import { PlaybackTracker } from '../../services/s2s/PlaybackTracker.ts';

/** The Realtime API's audio format: PCM s16le mono at 24 kHz, base64 in JSON. */
export const REALTIME_SAMPLE_RATE = 24000;

export interface OpenAIRealtimeSettings {
  model: string;
  instructions: string;
  voice: string;
  /** Server VAD: speech probability threshold 0…1. */
  vadThreshold: number;
  /** Server VAD: silence that ends the user's turn (ms). */
  silenceDurationMs: number;
  /** Server VAD: audio before detected speech that is kept (ms). */
  prefixPaddingMs: number;
  /** Model that transcribes the user's speech (for transcripts only; the model hears the audio). */
  transcriptionModel: string;
  /** Wait this long before reconnecting after a failure (ms). */
  reconnectDelayMs: number;
}

interface ResponseState {
  id: string;
  calls: ChatToolCall[];
  transcript: string;
  /** The user barged in: anything still arriving for it is stale. */
  interrupted: boolean;
  audioStarted: boolean;
}

/**
 * The whole speech-to-speech loop in one node, on OpenAI's Realtime API (GA)
 * over its WebSocket: microphone audio is resampled to 24 kHz and appended,
 * the server's VAD decides turns, audio deltas become `audio.out`, transcripts
 * `transcript.final` (user) and `llm.text` (bot), function calls run through
 * the graph's tools and are answered. On the server's `speech_started` it
 * pushes `user.speaking.started` and `interrupt` downstream — the output
 * stops at once — and truncates the bot's item at what was actually played.
 */
export class OpenAIRealtime extends FrameProcessor implements ToolHost {
  private tools: Tool[] = [];
  private socket: RealtimeSocket | undefined;
  private connecting: Promise<void> | undefined;
  private retryAfter = 0;
  private stopped = false;
  private resampler: Resampler | undefined;
  private response: ResponseState | undefined;
  private readonly playback = new PlaybackTracker();
  private speechStoppedAt: number | undefined;
  /** Tool calls run under this; cancelled when the user barges in or the node stops. */
  private toolRun = new AbortController();

  constructor(
    id: string,
    private settings: OpenAIRealtimeSettings,
    private readonly connection: OpenAIConnection,
    private readonly conversation?: ConversationContext,
  ) {
    super(id);
  }

  setTools(tools: Tool[]): void {
    this.tools = tools;
    this.sendSession();
  }

  get isConnected(): boolean {
    return this.socket?.isOpen === true;
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<OpenAIRealtimeSettings>) };
    this.sendSession();
  }

  protected override onStart(): void {
    this.connect();
  }

  protected override onStop(): void {
    this.stopped = true;
    this.toolRun.abort();
    this.socket?.close();
    this.socket = undefined;
    this.resampler?.destroy();
  }

  /** An interrupt from elsewhere in the graph (typed text, a user-turn node): stop the bot's response. */
  protected override onInterrupt(): void {
    if (this.cutResponse()) this.socket?.send({ type: 'response.cancel' });
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'upstream' && frame.type === 'bot.speaking.started') this.playback.playbackStarted(this.clock.now());
    if (direction === 'downstream' && frame.type === 'text.input') this.sendText(frame.text);
    this.push(frame, direction);
    if (direction === 'downstream' && frame.type === 'audio.in') return this.sendAudio(frame.audio, frame.sampleRate);
  }

  private async sendAudio(audio: Int16Array, sampleRate: number): Promise<void> {
    if (!this.socket?.isOpen) {
      // Audio while disconnected is dropped: the server's VAD needs live audio, not a backlog.
      this.connect();
      return;
    }
    if (!this.resampler || this.resampler.fromRate !== sampleRate) {
      this.resampler?.destroy();
      this.resampler = await Resampler.create(sampleRate, REALTIME_SAMPLE_RATE);
    }
    const pcm = this.resampler.process(audio);
    if (pcm.length === 0) return;
    this.socket?.send({ type: 'input_audio_buffer.append', audio: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64') });
  }

  private sendText(text: string): void {
    if (this.cutResponse()) {
      this.socket?.send({ type: 'response.cancel' });
      this.push(this.frame('interrupt', { reason: 'typed text' }));
    }
    this.conversation?.add({ role: 'user', content: text });
    this.socket?.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    this.socket?.send({ type: 'response.create' });
  }

  private connect(): void {
    if (this.connecting || this.socket || this.stopped || this.clock.now() < this.retryAfter) return;
    this.connecting = RealtimeSocket.connect(
      { apiKey: this.connection.apiKey, baseUrl: this.connection.baseUrl, model: this.settings.model, connectTimeoutMs: 10_000 },
      {
        onEvent: (event) => this.onEvent(event),
        onEventFailed: (type, message) => this.pushError(new Error(`Realtime event ${type} could not be handled: ${message}`)),
        onClosed: (code, reason) => this.onClosed(code, reason),
      },
    )
      .then((socket) => {
        if (this.stopped) {
          socket.close();
          return;
        }
        this.socket = socket;
        this.logger.debug({ node: this.id, model: this.settings.model }, 'realtime session open');
        this.sendSession();
        this.seedConversation();
      })
      .catch((error: unknown) => {
        this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
        this.pushError(error);
      })
      .finally(() => (this.connecting = undefined));
  }

  private onClosed(code: number, reason: string): void {
    this.socket = undefined;
    this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
    if (this.response && !this.response.interrupted) this.push(this.frame('llm.response.end', {}));
    this.response = undefined;
    this.playback.reset();
    if (!this.stopped) this.pushError(new Error(`Realtime session closed (code ${code}${reason ? `: ${reason}` : ''}); reconnecting on the next audio`));
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
        this.socket?.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
      } else if (message.role === 'assistant') {
        this.socket?.send({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] } });
      }
    }
  }

  private sendSession(): void {
    if (!this.socket?.isOpen) return;
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
      tools: this.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters })),
      tool_choice: 'auto',
    };
    this.socket.send({ type: 'session.update', session });
  }

  private onEvent(event: RealtimeServerEvent): void {
    const now = this.clock.now();
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.push(this.frame('user.speaking.started', { speechStartedAt: now }));
        // The server cancels its response itself (interrupt_response); we silence what is already on its way out.
        if (this.cutResponse()) this.push(this.frame('interrupt', { reason: 'user started speaking' }));
        return;
      case 'input_audio_buffer.speech_stopped':
        this.speechStoppedAt = now;
        this.push(this.frame('user.speaking.stopped', { speechEndedAt: now }));
        return;
      case 'conversation.item.input_audio_transcription.completed': {
        const text = event.transcript.trim();
        if (!text) return;
        this.conversation?.add({ role: 'user', content: text });
        this.push(this.frame('transcript.final', { text }));
        return;
      }
      case 'response.created':
        this.response = { id: event.response.id ?? '', calls: [], transcript: '', interrupted: false, audioStarted: false };
        this.push(this.frame('llm.response.start', {}));
        return;
      case 'response.output_audio.delta':
        return this.onAudioDelta(event.response_id, event.item_id, event.delta, now);
      case 'response.output_audio_transcript.delta':
        if (this.isCurrent(event.response_id)) {
          this.response!.transcript += event.delta;
          this.push(this.frame('llm.text', { text: event.delta }));
        }
        return;
      case 'response.function_call_arguments.done':
        if (this.isCurrent(event.response_id)) this.response!.calls.push({ id: event.call_id, name: event.name, arguments: event.arguments });
        return;
      case 'response.done':
        void this.onResponseDone(event.response.id ?? '', event.response.status, event.response.usage);
        return;
      case 'error':
        this.pushError(new Error(`Realtime API error: ${this.socket?.redact(event.error.message) ?? event.error.message}`));
        return;
      default:
        return;
    }
  }

  private onAudioDelta(responseId: string, itemId: string, base64: string, now: number): void {
    const response = this.response;
    if (!response || response.id !== responseId || response.interrupted) return;
    const bytes = Buffer.from(base64, 'base64');
    const samples = new Int16Array(bytes.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(2 * i);
    if (!response.audioStarted) {
      response.audioStarted = true;
      if (this.speechStoppedAt !== undefined) this.pushMetric('ttfb', now - this.speechStoppedAt);
      this.speechStoppedAt = undefined;
    }
    this.playback.pushed(itemId, (samples.length / REALTIME_SAMPLE_RATE) * 1000, now);
    this.push(this.frame('audio.out', { audio: samples, sampleRate: REALTIME_SAMPLE_RATE }));
  }

  private async onResponseDone(id: string, status: string | undefined, usage: { total_tokens?: number; input_tokens?: number; output_tokens?: number } | undefined): Promise<void> {
    const response = this.response;
    if (!response || response.id !== id) return;
    this.response = undefined;
    if (usage?.total_tokens !== undefined) {
      this.pushMetric('llm.usage', usage.total_tokens, { promptTokens: usage.input_tokens ?? 0, completionTokens: usage.output_tokens ?? 0 });
    }
    if (response.interrupted) return;
    if (response.transcript.trim()) this.conversation?.add({ role: 'assistant', content: response.transcript.trim() });
    if (status === 'completed' && response.calls.length > 0) await this.answerCalls(response.calls);
    this.push(this.frame('llm.response.end', {}));
  }

  /** Runs the model's function calls with the graph's tools and asks it to go on with the results. */
  private async answerCalls(calls: ChatToolCall[]): Promise<void> {
    this.push(this.frame('llm.tool.call', { calls }));
    const signal = this.toolRun.signal;
    let results;
    try {
      results = await runToolCalls(calls, this.tools, signal, this.clock);
    } catch {
      return; // the user barged in while the tools ran: nobody waits for the answer
    }
    if (signal.aborted || !this.socket) return;
    for (const r of results) {
      this.push(this.frame('llm.tool.result', { callId: r.callId, name: r.name, result: r.content, isError: r.isError }));
      this.socket.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: r.callId, output: r.content } });
    }
    this.socket.send({ type: 'response.create' });
  }

  private isCurrent(responseId: string): boolean {
    return this.response !== undefined && this.response.id === responseId && !this.response.interrupted;
  }

  /**
   * Stops the bot's current response: drops what is still arriving, cancels
   * running tools, and truncates the server's copy of the bot's audio at what
   * the user heard. Returns whether there was anything to stop.
   */
  private cutResponse(): boolean {
    const playing = this.playback.playing(this.clock.now());
    const active = this.response !== undefined && !this.response.interrupted;
    if (this.response) this.response.interrupted = true;
    this.toolRun.abort();
    this.toolRun = new AbortController();
    this.playback.reset();
    if (playing) {
      this.socket?.send({ type: 'conversation.item.truncate', item_id: playing.itemId, content_index: 0, audio_end_ms: playing.playedMs });
    }
    return active || playing !== undefined;
  }
}
