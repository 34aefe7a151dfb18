import { addUsageMetric, type ChatToolCall, type Metric, type TurnUsage } from '#engine';
import type { RealtimeEventSender } from './RealtimeEventSender.ts';
import type { RealtimeItem, RealtimeItems } from './RealtimeItems.ts';
import type { RealtimeAudioFormat } from './realtimeSessionConfig.ts';
import { toRealtimeUsage } from './realtimeUsage.ts';

interface MessageState {
  item: RealtimeItem;
  outputIndex: number;
  transcript: string;
  audioMs: number;
}

interface ResponseState {
  id: string;
  output: RealtimeItem[];
  message: MessageState | undefined;
}

export type ResponseEnd =
  | { status: 'completed' }
  | { status: 'cancelled'; reason: 'turn_detected' | 'client_cancelled' };

/**
 * Writes one Realtime response at a time as the graph's output produces it:
 * `response.created`, an assistant message item with one audio content part
 * (`response.output_audio.delta` + `response.output_audio_transcript.delta`),
 * function-call items for client tools, and `response.done`. A response
 * starts implicitly with its first output, because after a client tool call
 * the engine's LLM goes on within the same engine response while the
 * Realtime protocol wants a new one (the client's `response.create`).
 */
export class ResponseStream {
  private current: ResponseState | undefined;
  /** The graph's usage since the last `response.done`: the next one reports it. */
  private usage: TurnUsage = {};
  private readonly conversationId: string;

  constructor(
    private readonly events: RealtimeEventSender,
    private readonly items: RealtimeItems,
    private readonly describeAudio: () => { format: RealtimeAudioFormat; voice: string },
  ) {
    this.conversationId = events.id('conv');
  }

  get active(): boolean {
    return this.current !== undefined;
  }

  get responseId(): string | undefined {
    return this.current?.id;
  }

  /** The assistant message currently being spoken, for truncation. */
  get currentMessageId(): string | undefined {
    return this.current?.message?.item.id;
  }

  /** A metric from anywhere in the graph; usage ones count toward the response. */
  metric(metric: Metric): void {
    addUsageMetric(this.usage, metric);
  }

  start(): ResponseState {
    if (this.current) return this.current;
    const state: ResponseState = { id: this.events.id('resp'), output: [], message: undefined };
    this.current = state;
    this.events.send({ type: 'response.created', response: this.response(state, 'in_progress') });
    return state;
  }

  text(delta: string): void {
    if (!delta) return;
    const { state, message } = this.message();
    message.transcript += delta;
    this.events.send({
      type: 'response.output_audio_transcript.delta',
      ...this.where(state, message),
      delta,
    });
  }

  audio(base64: string, durationMs: number): void {
    const { state, message } = this.message();
    message.audioMs += durationMs;
    this.events.send({
      type: 'response.output_audio.delta',
      ...this.where(state, message),
      delta: base64,
    });
  }

  /**
   * The LLM called client tools: the spoken part (if any) is done, each call
   * becomes a function_call item, and the response ends so the client can run
   * them and answer with `function_call_output` + `response.create`.
   */
  functionCalls(calls: ChatToolCall[]): void {
    const state = this.start();
    this.finishMessage(state, 'completed');
    for (const call of calls) {
      const outputIndex = state.output.length;
      const itemId = this.events.id('item');
      const base = {
        id: itemId,
        object: 'realtime.item' as const,
        type: 'function_call',
        call_id: call.id,
        name: call.name,
      };
      const added: RealtimeItem = { ...base, status: 'in_progress', arguments: '' };
      const previous = this.items.put(added);
      this.events.send({
        type: 'response.output_item.added',
        response_id: state.id,
        output_index: outputIndex,
        item: added,
      });
      this.events.send({
        type: 'conversation.item.added',
        previous_item_id: previous,
        item: added,
      });
      const where = {
        response_id: state.id,
        item_id: itemId,
        output_index: outputIndex,
        call_id: call.id,
      };
      this.events.send({
        type: 'response.function_call_arguments.delta',
        ...where,
        delta: call.arguments,
      });
      this.events.send({
        type: 'response.function_call_arguments.done',
        ...where,
        name: call.name,
        arguments: call.arguments,
      });
      const done: RealtimeItem = { ...base, status: 'completed', arguments: call.arguments };
      this.items.put(done);
      state.output.push(done);
      this.events.send({
        type: 'response.output_item.done',
        response_id: state.id,
        output_index: outputIndex,
        item: done,
      });
      this.events.send({ type: 'conversation.item.done', previous_item_id: previous, item: done });
    }
    this.finish({ status: 'completed' });
  }

  /** Ends the response in flight, if any. */
  finish(end: ResponseEnd): void {
    const state = this.current;
    if (!state) return;
    this.finishMessage(state, end.status === 'completed' ? 'completed' : 'incomplete');
    this.current = undefined;
    const response = this.response(state, end.status);
    response.usage = toRealtimeUsage(this.usage);
    this.usage = {};
    if (end.status === 'cancelled')
      response.status_details = { type: 'cancelled', reason: end.reason };
    this.events.send({ type: 'response.done', response });
  }

  private message(): { state: ResponseState; message: MessageState } {
    const state = this.start();
    if (state.message) return { state, message: state.message };
    const outputIndex = state.output.length;
    const item: RealtimeItem = {
      id: this.events.id('item'),
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    const message: MessageState = { item, outputIndex, transcript: '', audioMs: 0 };
    state.message = message;
    const previous = this.items.put(item);
    this.events.send({
      type: 'response.output_item.added',
      response_id: state.id,
      output_index: outputIndex,
      item,
    });
    this.events.send({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.events.send({
      type: 'response.content_part.added',
      ...this.where(state, message),
      part: { type: 'audio', transcript: '' },
    });
    return { state, message };
  }

  private finishMessage(state: ResponseState, status: 'completed' | 'incomplete'): void {
    const message = state.message;
    if (!message) return;
    state.message = undefined;
    const where = this.where(state, message);
    this.events.send({ type: 'response.output_audio.done', ...where });
    this.events.send({
      type: 'response.output_audio_transcript.done',
      ...where,
      transcript: message.transcript,
    });
    this.events.send({
      type: 'response.content_part.done',
      ...where,
      part: { type: 'audio', transcript: message.transcript },
    });
    const done: RealtimeItem = {
      ...message.item,
      status,
      content: [{ type: 'output_audio', transcript: message.transcript }],
    };
    this.items.put(done);
    state.output.push(done);
    this.events.send({
      type: 'response.output_item.done',
      response_id: state.id,
      output_index: message.outputIndex,
      item: done,
    });
    this.events.send({ type: 'conversation.item.done', previous_item_id: null, item: done });
  }

  private where(state: ResponseState, message: MessageState) {
    return {
      response_id: state.id,
      item_id: message.item.id,
      output_index: message.outputIndex,
      content_index: 0,
    };
  }

  private response(state: ResponseState, status: string): Record<string, unknown> {
    const { format, voice } = this.describeAudio();
    return {
      id: state.id,
      object: 'realtime.response',
      status,
      status_details: null,
      output: [...state.output],
      conversation_id: this.conversationId,
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      audio: { output: { format, voice } },
      // Filled in by `finish()`: what the graph's models reported (or estimated) for it.
      usage: null,
      metadata: null,
    };
  }
}
