import type OpenAI from 'openai';
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
import { createOpenAIClient, type OpenAIConnection } from './createOpenAIClient.ts';
import { ToolCallAssembler } from './ToolCallAssembler.ts';
import { toOpenAIMessages, toOpenAITools } from './toOpenAIMessages.ts';

export const openAILlmSettings = z.object({
  model: z.string().min(1).default('gpt-4o-mini').describe('Model name as the server knows it'),
  systemPrompt: voiceSystemPrompt,
  temperature: z.number().min(0).max(2).default(0.7),
  ...cloudLlmSettings,
});

export type OpenAILlmSettings = z.output<typeof openAILlmSettings>;

/**
 * An LLM node on the Chat Completions API through the official `openai` SDK,
 * streaming. Serves anything that speaks that API — OpenAI, Ollama, vLLM,
 * Groq — given its base URL. Tool calls stream as fragments and are assembled
 * here; running them, calling the model again and retrying a failed request
 * are the base class's job.
 */
export class OpenAILlm extends LlmProcessor<OpenAILlmSettings> {
  protected override readonly settingsSchema = openAILlmSettings;
  private readonly client: OpenAI;
  private requestCount = 0;

  constructor(
    id: string,
    conversation: ConversationContext,
    settings: OpenAILlmSettings,
    private readonly connection: OpenAIConnection,
  ) {
    super(id, conversation, settings);
    this.client = createOpenAIClient(connection);
  }

  protected override requestOptions(): RequestOptions {
    return cloudLlmRequestOptions(this.settings, this.connection.apiKey);
  }

  protected override async *generate(
    messages: ChatMessage[],
    tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta> {
    const request = ++this.requestCount;
    const attempt = new RequestAttempt(this.clock, signal, this.settings.firstTokenTimeoutMs);
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.settings.model,
          messages: toOpenAIMessages(messages),
          temperature: this.settings.temperature,
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
        if (chunk.usage) {
          const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = chunk.usage;
          yield { type: 'usage', promptTokens, completionTokens };
        }
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
      if (assembler.size > 0) {
        yield { type: 'tool_calls', calls: assembler.finish(`call_${this.id}_${request}`) };
      }
    } catch (error) {
      throw attempt.explain(error);
    } finally {
      // Closes the HTTP stream when the consumer stopped early (interrupt, error).
      attempt.close();
    }
  }
}
