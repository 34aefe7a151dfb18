import {
  type GenerateContentResponse,
  type GenerateContentResponseUsageMetadata,
  GoogleGenAI,
} from '@google/genai';
import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { ChatMessage, ChatToolCall } from '../../core/frames.ts';
import {
  cloudLlmRequestOptions,
  cloudLlmSettings,
  voiceSystemPrompt,
} from '../../services/llm/cloudLlmSettings.ts';
import { type LlmDelta, LlmProcessor } from '../../services/llm/LlmProcessor.ts';
import { RequestAttempt } from '../../services/retry/RequestAttempt.ts';
import type { RequestOptions } from '../../services/retry/RequestOptions.ts';
import type { Tool } from '../../tools/Tool.ts';
import type { GeminiConnection } from './GeminiLive.ts';
import { toGeminiContents } from './toGeminiContents.ts';
import { toGeminiTools } from './toGeminiTools.ts';

export const geminiLlmSettings = z.object({
  // Flash: a fast first token at a low price, which a voice turn wants.
  model: z.string().min(1).default('gemini-2.5-flash').describe('Gemini model name'),
  systemPrompt: voiceSystemPrompt,
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(1024)
    .describe('Longest answer per model call (tokens)'),
  temperature: z.number().min(0).max(2).default(1).describe('Sampling temperature'),
  thinkingBudget: z
    .number()
    .int()
    .min(-1)
    .max(32_768)
    .default(0)
    .describe(
      'Thinking tokens per model call: 0 off (fastest first token; Pro models cannot turn it off), -1 the model decides',
    ),
  ...cloudLlmSettings,
});

export type GeminiLlmSettings = z.output<typeof geminiLlmSettings>;

/**
 * An LLM node on the Gemini API's `streamGenerateContent` through
 * `@google/genai`. Text parts stream as they come; `functionCall` parts are
 * collected as tool calls, several per answer. Gemini names no calls, so each
 * gets an id here (`call_<n>`, unique in the node's life) that pairs it with
 * its result in the conversation. Running tools, calling the model again and
 * retrying a failed request are the base class's job; the SDK's own retries
 * and automatic continuation are off, so a retry never repeats words.
 */
export class GeminiLlm extends LlmProcessor<GeminiLlmSettings> {
  protected override readonly settingsSchema = geminiLlmSettings;
  private readonly client: GoogleGenAI;
  private callCount = 0;
  /** The `thoughtSignature` a thinking model gave with its call, sent back with that call. */
  private readonly signatures = new Map<string, string>();

  constructor(
    id: string,
    conversation: ConversationContext,
    settings: GeminiLlmSettings,
    private readonly connection: GeminiConnection,
  ) {
    super(id, conversation, settings);
    // The key and URL are always passed, so the SDK never looks in the environment.
    this.client = new GoogleGenAI({
      vertexai: false,
      apiKey: connection.apiKey,
      httpOptions: { baseUrl: connection.baseUrl },
    });
  }

  protected override requestOptions(): RequestOptions {
    return cloudLlmRequestOptions(this.settings, this.connection.apiKey);
  }

  protected override async *generate(
    messages: ChatMessage[],
    tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta> {
    const { systemInstruction, contents } = toGeminiContents(messages, this.signatures);
    const attempt = new RequestAttempt(this.clock, signal, this.settings.firstTokenTimeoutMs);
    try {
      const stream = await this.client.models.generateContentStream({
        model: this.settings.model,
        contents,
        config: {
          abortSignal: attempt.signal,
          automaticContinuation: false,
          maxOutputTokens: this.settings.maxTokens,
          temperature: this.settings.temperature,
          thinkingConfig: { thinkingBudget: this.settings.thinkingBudget },
          ...(systemInstruction ? { systemInstruction } : {}),
          ...(tools.length > 0 ? { tools: toGeminiTools(tools) } : {}),
        },
      });
      const calls: ChatToolCall[] = [];
      let usage: GenerateContentResponseUsageMetadata | undefined;
      let finished = false;
      for await (const chunk of stream) {
        attempt.gotFirstByte();
        const text = this.read(chunk, calls);
        if (text) yield { type: 'text', text };
        usage = chunk.usageMetadata ?? usage;
        if (chunk.candidates?.[0]?.finishReason) finished = true;
      }
      if (attempt.signal.aborted) return;
      if (!finished) throw new Error('the model stream ended before the answer was complete');
      if (usage) {
        yield {
          type: 'usage',
          // Gemini's prompt count includes the cached tokens; thinking is billed as output.
          promptTokens: usage.promptTokenCount ?? 0,
          completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
          cacheReadTokens: usage.cachedContentTokenCount ?? 0,
        };
      }
      if (calls.length > 0) yield { type: 'tool_calls', calls };
    } catch (error) {
      // The SDK's fetch rejects when its signal aborts: an interrupt is no failure.
      if (attempt.signal.aborted && !attempt.timedOut) return;
      throw attempt.explain(error);
    } finally {
      // Closes the HTTP stream when the consumer stopped early (interrupt, error).
      attempt.close();
    }
  }

  /** Takes in one response chunk: collects its calls; returns its answer text (thoughts left out). */
  private read(chunk: GenerateContentResponse, calls: ChatToolCall[]): string {
    let text = '';
    for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
      if (part.thought) continue;
      if (part.text) text += part.text;
      const call = part.functionCall;
      if (call?.name) {
        const id = `call_${++this.callCount}`;
        if (part.thoughtSignature) this.signatures.set(id, part.thoughtSignature);
        calls.push({ id, name: call.name, arguments: JSON.stringify(call.args ?? {}) });
      }
    }
    return text;
  }
}
