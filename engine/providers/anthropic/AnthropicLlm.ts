import type Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { ChatMessage } from '../../core/frames.ts';
import {
  cloudLlmRequestOptions,
  cloudLlmSettings,
  voiceSystemPrompt,
} from '../../services/llm/cloudLlmSettings.ts';
import { type LlmDelta, LlmProcessor } from '../../services/llm/LlmProcessor.ts';
import { RequestAttempt } from '../../services/retry/RequestAttempt.ts';
import type { RequestOptions } from '../../services/retry/RequestOptions.ts';
import type { Tool } from '../../tools/Tool.ts';
import { type AnthropicConnection, createAnthropicClient } from './createAnthropicClient.ts';
import { ToolUseAssembler } from './ToolUseAssembler.ts';
import { toAnthropicMessages, toAnthropicTools } from './toAnthropicMessages.ts';

export const anthropicLlmSettings = z.object({
  // Haiku: the fastest first token of the current models, which a voice turn waits on.
  model: z.string().min(1).default('claude-haiku-4-5').describe('Claude model name'),
  systemPrompt: voiceSystemPrompt,
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(64_000)
    .default(1024)
    .describe('Longest answer per model call (tokens)'),
  // No temperature: the Messages API this SDK speaks deprecated sampling parameters.
  promptCaching: z
    .boolean()
    .default(true)
    .describe('Cache the system prompt and tools between turns (cheaper, faster first token)'),
  ...cloudLlmSettings,
});

export type AnthropicLlmSettings = z.output<typeof anthropicLlmSettings>;

/** Token counts of one call as the stream reports them: `message_start`, then totals in `message_delta`. */
interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * An LLM node on Anthropic's Messages API through the official SDK, streaming.
 * Tool calls arrive as `tool_use` content blocks, several per answer, and are
 * assembled here; running them, calling the model again and retrying a failed
 * request are the base class's job. The system prompt and tool definitions are
 * the same every turn, so they are marked for prompt caching.
 */
export class AnthropicLlm extends LlmProcessor<AnthropicLlmSettings> {
  protected override readonly settingsSchema = anthropicLlmSettings;
  private readonly client: Anthropic;

  constructor(
    id: string,
    conversation: ConversationContext,
    settings: AnthropicLlmSettings,
    private readonly connection: AnthropicConnection,
  ) {
    super(id, conversation, settings);
    this.client = createAnthropicClient(connection);
  }

  protected override requestOptions(): RequestOptions {
    return cloudLlmRequestOptions(this.settings, this.connection.apiKey);
  }

  protected override async *generate(
    messages: ChatMessage[],
    tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta> {
    const cache = this.settings.promptCaching;
    const { system, messages: turns } = toAnthropicMessages(messages, cache);
    const attempt = new RequestAttempt(this.clock, signal, this.settings.firstTokenTimeoutMs);
    try {
      const stream = await this.client.messages.create(
        {
          model: this.settings.model,
          max_tokens: this.settings.maxTokens,
          messages: turns,
          stream: true,
          ...(system.length > 0 ? { system } : {}),
          ...(tools.length > 0 ? { tools: toAnthropicTools(tools, cache) } : {}),
        },
        { signal: attempt.signal },
      );
      const toolUses = new ToolUseAssembler();
      const usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      let finished = false;
      for await (const event of stream) {
        attempt.gotFirstByte();
        const text = this.read(event, toolUses, usage);
        if (text) yield { type: 'text', text };
        if (event.type === 'message_stop') finished = true;
      }
      // The SDK ends the iteration quietly when its signal aborts.
      if (attempt.timedOut) throw attempt.timeoutError();
      if (attempt.signal.aborted) return;
      if (!finished) throw new Error('the model stream ended before the answer was complete');
      yield {
        type: 'usage',
        // Anthropic counts cached prompt tokens apart from `input_tokens`; the prompt is all three.
        promptTokens: usage.input + usage.cacheRead + usage.cacheWrite,
        completionTokens: usage.output,
        cacheReadTokens: usage.cacheRead,
        cacheWriteTokens: usage.cacheWrite,
      };
      if (toolUses.size > 0) yield { type: 'tool_calls', calls: toolUses.finish() };
    } catch (error) {
      throw attempt.explain(error);
    } finally {
      // Closes the HTTP stream when the consumer stopped early (interrupt, error).
      attempt.close();
    }
  }

  /** Takes in one stream event; returns its text, if it carries any. */
  private read(event: RawMessageStreamEvent, toolUses: ToolUseAssembler, usage: Usage): string {
    switch (event.type) {
      case 'message_start': {
        const u = event.message.usage;
        usage.input = u.input_tokens;
        usage.output = u.output_tokens;
        usage.cacheRead = u.cache_read_input_tokens ?? 0;
        usage.cacheWrite = u.cache_creation_input_tokens ?? 0;
        return '';
      }
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          toolUses.open(event.index, event.content_block.id, event.content_block.name);
        }
        return '';
      case 'content_block_delta':
        if (event.delta.type === 'input_json_delta') {
          toolUses.append(event.index, event.delta.partial_json);
        }
        return event.delta.type === 'text_delta' ? event.delta.text : '';
      case 'message_delta': {
        // Totals so far, not increments; the input counts only when the server repeats them.
        const u = event.usage;
        usage.output = u.output_tokens;
        usage.input = u.input_tokens ?? usage.input;
        usage.cacheRead = u.cache_read_input_tokens ?? usage.cacheRead;
        usage.cacheWrite = u.cache_creation_input_tokens ?? usage.cacheWrite;
        return '';
      }
      default:
        return '';
    }
  }
}
