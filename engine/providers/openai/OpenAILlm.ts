import type OpenAI from 'openai';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { ChatMessage } from '../../core/frames.ts';
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';
import { redactError } from '../../services/redactSecret.ts';
import { RequestAttempt } from '../../services/retry/RequestAttempt.ts';
import { describeFailure, isRetryable, retryDelayMs, sleep, type RetryPolicy } from '../../services/retry/RetryPolicy.ts';
import { ToolCallAssembler } from './ToolCallAssembler.ts';
import { toOpenAIMessages, toOpenAITools } from './toOpenAIMessages.ts';
import type { Tool } from '../../tools/Tool.ts';
import { LlmProcessor, pickKnown, type LlmDelta, type LlmSettings } from '../../services/llm/LlmProcessor.ts';

export interface OpenAILlmSettings extends LlmSettings {
  model: string;
  temperature: number;
  /** Retries on 429/5xx/dropped connections, only while nothing has been said yet. */
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** An attempt that has not produced its first chunk by then is abandoned (and retried) (ms). */
  firstTokenTimeoutMs: number;
}

/**
 * An LLM node on the Chat Completions API through the official `openai` SDK,
 * streaming. Serves anything that speaks that API — OpenAI, Ollama, vLLM,
 * Groq — given its base URL. Tool calls stream as fragments and are assembled
 * here; running them and calling the model again is the base class's job.
 */
export class OpenAILlm extends LlmProcessor {
  private options: OpenAILlmSettings;
  private readonly client: OpenAI;
  private requestCount = 0;

  constructor(
    id: string,
    conversation: ConversationContext,
    settings: OpenAILlmSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id, conversation, settings);
    this.options = settings;
    this.client = createOpenAIClient(connection);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    super.onSettings(settings);
    this.options = { ...this.options, ...pickKnown(settings, this.options) };
  }

  protected override async *generate(messages: ChatMessage[], tools: readonly Tool[], signal: AbortSignal): AsyncIterable<LlmDelta> {
    const policy: RetryPolicy = { maxRetries: this.options.maxRetries, baseDelayMs: this.options.retryDelayMs, maxDelayMs: this.options.maxRetryDelayMs };
    const request = ++this.requestCount;
    for (let attempt = 0; ; attempt++) {
      let spoke = false;
      try {
        for await (const delta of this.attempt(messages, tools, signal, request)) {
          if (delta.type !== 'usage') spoke = true;
          yield delta;
        }
        return;
      } catch (error) {
        if (signal.aborted) return;
        const safe = redactError(error, this.connection.apiKey);
        // Once words went out a retry would say them twice: fail and let the base say the fallback.
        if (spoke || attempt >= policy.maxRetries || !isRetryable(error)) throw safe;
        const delayMs = Math.round(retryDelayMs(policy, attempt, error));
        this.logger.warn({ node: this.id, model: this.options.model, attempt: attempt + 1, delayMs, ...describeFailure(error), err: safe.message }, 'llm request failed before its first token; retrying');
        await sleep(this.clock, delayMs, signal);
      }
    }
  }

  private async *attempt(messages: ChatMessage[], tools: readonly Tool[], signal: AbortSignal, request: number): AsyncIterable<LlmDelta> {
    const attempt = new RequestAttempt(this.clock, signal, this.options.firstTokenTimeoutMs);
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: toOpenAIMessages(messages),
          temperature: this.options.temperature,
          stream: true,
          stream_options: { include_usage: true },
          // An empty tools array is rejected by some compatible servers.
          ...(tools.length > 0 ? { tools: toOpenAITools(tools) } : {}),
        },
        { signal: attempt.signal },
      );
      const assembler = new ToolCallAssembler();
      let finished = false;
      for await (const chunk of stream) {
        attempt.gotFirstByte();
        if (chunk.usage) yield { type: 'usage', promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.delta.content) yield { type: 'text', text: choice.delta.content };
        for (const fragment of choice.delta.tool_calls ?? []) assembler.add(fragment);
        if (choice.finish_reason) finished = true;
      }
      // The SDK ends the iteration quietly when its signal aborts.
      if (attempt.timedOut) throw attempt.timeoutError();
      if (attempt.signal.aborted) return;
      if (!finished) throw new Error('the model stream ended before the answer was complete');
      if (assembler.size > 0) yield { type: 'tool_calls', calls: assembler.finish(`call_${this.id}_${request}`) };
    } catch (error) {
      throw attempt.explain(error);
    } finally {
      // Closes the HTTP stream when the consumer stopped early (interrupt, error).
      attempt.close();
    }
  }
}
