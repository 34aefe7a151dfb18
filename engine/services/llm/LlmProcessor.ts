import type { ConversationContext } from '../../core/ConversationContext.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { ChatMessage, ChatToolCall, Frame } from '../../core/frames.ts';
import type { ToolHost } from '../../graph/NodeRegistry.ts';
import { runToolCalls } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';
import { PreemptiveResponse } from './PreemptiveResponse.ts';

export type LlmDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_calls'; calls: ChatToolCall[] }
  | { type: 'usage'; promptTokens: number; completionTokens: number };

export interface LlmSettings {
  systemPrompt: string;
  /** Model round-trips with tool results before giving up on a turn. */
  maxToolSteps: number;
  /** Said when the model fails, so the user is never left in silence. */
  fallbackReply: string;
}

/**
 * What every LLM node shares: on `llm.context` it runs the model on the
 * session's conversation, streams `llm.text`, runs tool calls through the
 * shared tools layer (in parallel, with timeouts; errors go back to the model)
 * and calls the model again with the results, up to `maxToolSteps`. Emits the
 * same frames whatever the model: `llm.response.start`, `llm.text`…,
 * `llm.tool.call`, `llm.tool.result`, `llm.response.end`, and a `ttfb` metric.
 * Subclasses only implement `generate()`.
 */
export abstract class LlmProcessor extends FrameProcessor implements ToolHost {
  protected tools: Tool[] = [];
  /** A request started on `llm.context.preemptive`, waiting for its turn to be confirmed. */
  private preemptive: PreemptiveResponse | undefined;

  constructor(
    id: string,
    protected readonly conversation: ConversationContext,
    protected settings: LlmSettings,
  ) {
    super(id);
  }

  setTools(tools: Tool[]): void {
    this.tools = tools;
  }

  /** Streams the model's answer to `messages`. Must stop promptly when `signal` aborts. */
  protected abstract generate(messages: ChatMessage[], tools: readonly Tool[], signal: AbortSignal): AsyncIterable<LlmDelta>;

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'downstream') {
      if (frame.type === 'llm.context') return this.respond(this.takePreemptive(frame.messages));
      // Handled synchronously so the confirming `llm.context` is not queued behind the request.
      if (frame.type === 'llm.context.preemptive') return this.preempt(frame.messages);
      if (frame.type === 'llm.context.discard') return this.dropPreemptive('withdrawn');
    }
    this.push(frame, direction);
  }

  protected override onStop(): void {
    this.dropPreemptive('session ended');
  }

  private preempt(messages: ChatMessage[]): void {
    this.dropPreemptive('superseded');
    const request = this.requestMessages(messages);
    this.preemptive = new PreemptiveResponse(messages, (signal) => this.generate(request, this.tools, signal), this.signal, this.clock);
  }

  /** The preemptive request if it answers `messages`; any other is cancelled. */
  private takePreemptive(messages: readonly ChatMessage[]): PreemptiveResponse | undefined {
    const preemptive = this.preemptive;
    this.preemptive = undefined;
    if (!preemptive) return undefined;
    if (preemptive.answers(messages)) return preemptive;
    preemptive.discard();
    this.logger.debug({ node: this.id }, 'preemptive response discarded: the confirmed turn differs');
    return undefined;
  }

  private dropPreemptive(reason: string): void {
    if (!this.preemptive) return;
    this.preemptive.discard();
    this.preemptive = undefined;
    this.logger.debug({ node: this.id, reason }, 'preemptive response discarded');
  }

  /** What the model is sent for `messages`: the system prompt of the moment in front. */
  private requestMessages(messages: readonly ChatMessage[]): ChatMessage[] {
    const rest = messages.filter((m) => m.role !== 'system');
    return this.settings.systemPrompt ? [{ role: 'system', content: this.settings.systemPrompt }, ...rest] : [...rest];
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...pickKnown(settings, this.settings) };
  }

  /** Answers the conversation; the first model call is `preemptive`'s when one was started for this turn. */
  private async respond(preemptive?: PreemptiveResponse): Promise<void> {
    const signal = this.signal;
    const confirmedAt = this.clock.now();
    const startedAt = preemptive?.startedAt ?? confirmedAt;
    let firstOutput = true;
    this.push(this.frame('llm.response.start', {}));
    try {
      for (let step = 0; ; step++) {
        const calls: ChatToolCall[] = [];
        const stream = step === 0 && preemptive ? preemptive.deltas() : this.generate(this.conversation.withSystemPrompt(this.settings.systemPrompt), this.tools, signal);
        for await (const delta of stream) {
          if (signal.aborted) return;
          if (delta.type === 'usage') {
            this.pushMetric('llm.usage', delta.promptTokens + delta.completionTokens, { promptTokens: delta.promptTokens, completionTokens: delta.completionTokens });
            continue;
          }
          if (firstOutput) {
            firstOutput = false;
            const now = this.clock.now();
            // The model's own time to first token, from its request, preemptive or not.
            this.pushMetric('ttfb', (preemptive?.firstOutputAt ?? now) - startedAt);
            if (preemptive) {
              // What the turn still waited for the model after it was confirmed: the rest was hidden behind the VAD's stop delay.
              this.pushMetric('llmPreemptiveWaitMs', now - confirmedAt, { heldMs: Math.max(0, confirmedAt - (preemptive.firstOutputAt ?? now)) });
            }
          }
          if (delta.type === 'text') this.push(this.frame('llm.text', { text: delta.text }));
          else calls.push(...delta.calls);
        }
        if (signal.aborted || calls.length === 0) return;
        if (step >= this.settings.maxToolSteps) {
          this.push(this.frame('llm.text', { text: this.settings.fallbackReply }));
          return;
        }
        await this.runTools(calls, signal);
      }
    } catch (error) {
      if (signal.aborted) return;
      this.pushError(error);
      this.push(this.frame('llm.text', { text: this.settings.fallbackReply }));
    } finally {
      if (!signal.aborted) this.push(this.frame('llm.response.end', {}));
    }
  }

  private async runTools(calls: ChatToolCall[], signal: AbortSignal): Promise<void> {
    this.push(this.frame('llm.tool.call', { calls }));
    this.conversation.add({ role: 'assistant', content: '', toolCalls: calls });
    const results = await runToolCalls(calls, this.tools, signal, this.clock);
    if (signal.aborted) return;
    for (const r of results) {
      this.conversation.add({ role: 'tool', toolCallId: r.callId, content: r.content });
      this.push(this.frame('llm.tool.result', { callId: r.callId, name: r.name, result: r.content, isError: r.isError }));
    }
  }
}

/** Copies the keys of `settings` that `current` has, so unrelated keys are ignored. */
export function pickKnown<T extends object>(settings: Record<string, unknown>, current: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(current) as Array<keyof T & string>) {
    if (key in settings) out[key] = settings[key] as T[keyof T & string];
  }
  return out;
}
