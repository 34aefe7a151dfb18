import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { ChatMessage, ChatToolCall, Frame, FrameOf } from '../../core/frames.ts';
import type { SettingsSchema } from '../../core/settingsUpdate.ts';
import type { ToolHost } from '../../graph/NodeRegistry.ts';
import { estimateTextTokens } from '../../metrics/Usage.ts';
import { runToolCalls } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';
import type { RequestOptions } from '../retry/RequestOptions.ts';
import { streamRequest } from '../retry/runRequest.ts';
import { modelSummaryNote, SUMMARY_TIMEOUT_MS, summaryRequest } from './conversationSummary.ts';
import { PreemptiveResponse } from './PreemptiveResponse.ts';

/** The frames every LLM node consumes and produces, for node definitions. */
export const LLM_CONSUMES = [
  'llm.context',
  'llm.context.preemptive',
  'llm.context.discard',
  'context.summarize',
];
export const LLM_PRODUCES = [
  'llm.response.start',
  'llm.text',
  'llm.tool.call',
  'llm.tool.result',
  'llm.response.end',
  'metrics',
];

export type LlmDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_calls'; calls: ChatToolCall[] }
  | {
      type: 'usage';
      promptTokens: number;
      completionTokens: number;
      /** Prompt tokens read from / written to the provider's prompt cache, where it reports them. */
      cacheReadTokens?: number;
      cacheWriteTokens?: number;
    };

/**
 * The settings the base reads, with the bounds it relies on. Every LLM node's
 * schema has these keys, each with its own default and text, e.g.
 * `systemPrompt: llmSettings.shape.systemPrompt.default('…')`.
 */
export const llmSettings = z.object({
  systemPrompt: z.string().max(20_000),
  // Model round-trips with tool results before giving up on a turn.
  maxToolSteps: z.number().int().min(0).max(10),
  // Said when the model fails, so the user is never left in silence.
  fallbackReply: z.string(),
});

export type LlmSettings = z.output<typeof llmSettings>;

/**
 * What every LLM node shares: on `llm.context` it runs the model on the
 * session's conversation, streams `llm.text`, runs tool calls through the
 * shared tools layer (in parallel, with timeouts; errors go back to the model)
 * and calls the model again with the results, up to `maxToolSteps`. Emits the
 * same frames whatever the model: `llm.response.start`, `llm.text`…,
 * `llm.tool.call`, `llm.tool.result`, `llm.response.end`, and a `ttfb` metric.
 * A request that fails before its first word is retried as the provider's
 * `requestOptions()` say, the same for every provider. Live settings are
 * merged into `settings` once the subclass's `settingsSchema` accepted them.
 * Subclasses implement `generate()`, one attempt at one model call.
 */
export abstract class LlmProcessor<S extends LlmSettings = LlmSettings>
  extends FrameProcessor
  implements ToolHost
{
  protected override readonly settingsSchema: SettingsSchema = llmSettings;
  protected tools: Tool[] = [];
  /**
   * Whether this node writes the conversation's summary when a context budget
   * trims it: a language model can; a rule-based responder cannot, and the
   * local note stays.
   */
  protected readonly writesSummaries: boolean = true;
  /** A request started on `llm.context.preemptive`, waiting for its turn to be confirmed. */
  private preemptive: PreemptiveResponse | undefined;
  /** Summaries being written; they outlive interrupts (memory, not reply) but not the node. */
  private readonly summariesInFlight = new Set<AbortController>();

  constructor(
    id: string,
    protected readonly conversation: ConversationContext,
    protected settings: S,
  ) {
    super(id);
  }

  setTools(tools: Tool[]): void {
    this.tools = tools;
  }

  /** Streams the model's answer to `messages`, one attempt. Stops promptly when `signal` aborts. */
  protected abstract generate(
    messages: ChatMessage[],
    tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta>;

  /** How `generate()` is retried and timed; none by default (an in-process responder). */
  protected requestOptions(): RequestOptions | undefined {
    return undefined;
  }

  protected override onSettings(update: Partial<S>): void {
    this.settings = { ...this.settings, ...update };
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'downstream') {
      if (frame.type === 'llm.context') return this.respond(this.takePreemptive(frame.messages));
      // Handled synchronously so the confirming `llm.context` is not queued behind the request.
      if (frame.type === 'llm.context.preemptive') return this.preempt(frame.messages);
      if (frame.type === 'llm.context.discard') return this.dropPreemptive('withdrawn');
      // Started, not awaited: the turn's `llm.context` right behind it must not wait.
      if (frame.type === 'context.summarize') return this.summarize(frame);
    }
    this.push(frame, direction);
  }

  protected override onStop(): void {
    this.dropPreemptive('session ended');
    for (const summary of this.summariesInFlight) summary.abort();
    this.summariesInFlight.clear();
  }

  /**
   * Writes the summary of the turns a context budget cut and puts it in
   * place of the local note, unless a later trim replaced that note first
   * (its own summary request covers these turns too). A failure leaves the
   * local note: the conversation stays within budget either way.
   */
  private summarize({ dropped, previous, note, maxChars }: FrameOf<'context.summarize'>): void {
    if (!this.writesSummaries) return;
    const controller = new AbortController();
    this.summariesInFlight.add(controller);
    const deadline = this.clock.setTimeout(() => controller.abort(), SUMMARY_TIMEOUT_MS);
    const run = async () => {
      let text = '';
      const request = summaryRequest(dropped, previous, maxChars);
      for await (const delta of this.request(request, [], controller.signal)) {
        if (delta.type === 'text') text += delta.text;
        else if (delta.type === 'usage') this.pushUsage(delta, { summary: 1 });
      }
      if (controller.signal.aborted) return;
      const summary = modelSummaryNote(text, maxChars);
      if (!summary) throw new Error('the model returned an empty summary');
      const replaced = this.conversation.replaceNote(note, summary);
      this.logger.info(
        { node: this.id, turns: dropped.filter((m) => m.role === 'user').length, replaced },
        replaced
          ? 'context summary written by the model'
          : 'context summary superseded by a later trim',
      );
    };
    run()
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        this.logger.warn(
          { node: this.id, error: error instanceof Error ? error.message : String(error) },
          'context summary failed; the local note stays',
        );
      })
      .finally(() => {
        deadline.cancel();
        this.summariesInFlight.delete(controller);
      });
  }

  private pushUsage(
    {
      promptTokens,
      completionTokens,
      ...cache
    }: Omit<Extract<LlmDelta, { type: 'usage' }>, 'type'>,
    extra: Record<string, number> = {},
  ): void {
    this.pushMetric('llm.usage', promptTokens + completionTokens, {
      promptTokens,
      completionTokens,
      ...cache,
      ...extra,
    });
  }

  private preempt(messages: ChatMessage[]): void {
    this.dropPreemptive('superseded');
    const request = this.requestMessages(messages);
    const start = (signal: AbortSignal) => this.request(request, this.tools, signal);
    this.preemptive = new PreemptiveResponse(messages, start, this.signal, this.clock);
  }

  /** The preemptive request if it answers `messages`; any other is cancelled. */
  private takePreemptive(messages: readonly ChatMessage[]): PreemptiveResponse | undefined {
    const preemptive = this.preemptive;
    this.preemptive = undefined;
    if (!preemptive) return undefined;
    if (preemptive.answers(messages)) return preemptive;
    preemptive.discard();
    this.logger.debug(
      { node: this.id },
      'preemptive response discarded: the confirmed turn differs',
    );
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
    return this.conversation.withSystemPrompt(this.settings.systemPrompt, messages);
  }

  /** One model call: `generate()`, retried before its first output as `requestOptions()` say. */
  private request(
    messages: ChatMessage[],
    tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta> {
    const options = this.requestOptions();
    if (!options) return this.generate(messages, tools, signal);
    const scope = { clock: this.clock, signal, logger: this.logger, node: this.id };
    const attempt = (attemptSignal: AbortSignal) => this.generate(messages, tools, attemptSignal);
    return streamRequest(attempt, (delta) => delta.type !== 'usage', options, scope);
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
        const stream =
          step === 0 && preemptive
            ? preemptive.deltas()
            : this.request(
                this.conversation.withSystemPrompt(this.settings.systemPrompt),
                this.tools,
                signal,
              );
        let reported = false;
        let outputChars = 0;
        for await (const delta of stream) {
          if (signal.aborted) return;
          if (delta.type === 'usage') {
            reported = true;
            const { type: _, ...usage } = delta;
            this.pushUsage(usage);
            continue;
          }
          if (firstOutput) {
            firstOutput = false;
            const now = this.clock.now();
            // The model's own time to first token, from its request, preemptive or not.
            this.pushMetric('ttfb', (preemptive?.firstOutputAt ?? now) - startedAt);
            if (preemptive) {
              // What the turn still waited for the model after it was confirmed: the rest was hidden behind the VAD's stop delay.
              this.pushMetric('llmPreemptiveWaitMs', now - confirmedAt, {
                heldMs: Math.max(0, confirmedAt - (preemptive.firstOutputAt ?? now)),
              });
            }
          }
          if (delta.type === 'text') {
            outputChars += delta.text.length;
            this.push(this.frame('llm.text', { text: delta.text }));
          } else {
            for (const call of delta.calls) outputChars += call.name.length + call.arguments.length;
            calls.push(...delta.calls);
          }
        }
        if (!reported && !signal.aborted) this.estimateUsage(outputChars);
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

  /**
   * The model reported no usage (a local or offline model): what it read and
   * wrote, at four characters a token, marked estimated.
   */
  private estimateUsage(outputChars: number): void {
    const messages = this.conversation.withSystemPrompt(this.settings.systemPrompt);
    const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
    const promptTokens = estimateTextTokens(inputChars);
    const completionTokens = estimateTextTokens(outputChars);
    this.pushMetric('llm.usage', promptTokens + completionTokens, {
      promptTokens,
      completionTokens,
      estimated: 1,
    });
  }

  private async runTools(calls: ChatToolCall[], signal: AbortSignal): Promise<void> {
    this.push(this.frame('llm.tool.call', { calls }));
    this.conversation.add({ role: 'assistant', content: '', toolCalls: calls });
    const results = await runToolCalls(calls, this.tools, signal, this.clock);
    if (signal.aborted) return;
    for (const r of results) {
      this.conversation.add({ role: 'tool', toolCallId: r.callId, content: r.content });
      this.push(
        this.frame('llm.tool.result', {
          callId: r.callId,
          name: r.name,
          result: r.content,
          isError: r.isError,
        }),
      );
    }
  }
}
