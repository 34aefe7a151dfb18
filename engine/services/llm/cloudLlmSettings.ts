import { z } from 'zod';
import type { RequestOptions } from '../retry/RequestOptions.ts';
import { retryPolicyFrom, retrySettings } from '../retry/retrySettings.ts';
import { llmSettings } from './LlmProcessor.ts';

/** The system prompt a cloud LLM node starts with: short answers, made to be spoken. */
export const voiceSystemPrompt = llmSettings.shape.systemPrompt.default(
  'You are Parley, a friendly voice assistant. ' +
    'Answer in one or two short spoken sentences, without lists or markdown.',
);

/**
 * Settings every cloud LLM node has, with the same defaults: what the user hears when the
 * model fails, the tool-step guard, the first-token deadline and the retry policy. Spread into
 * each node's schema after its provider-specific keys.
 */
export const cloudLlmSettings = {
  fallbackReply: llmSettings.shape.fallbackReply
    .default('Sorry, I could not think of an answer just now.')
    .describe('Said when the model fails'),
  maxToolSteps: llmSettings.shape.maxToolSteps
    .default(3)
    .describe('Model round-trips with tool results per turn'),
  firstTokenTimeoutMs: z
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(8000)
    .describe('Abandon (and retry) an attempt with no first token by then (ms)'),
  ...retrySettings,
};

const cloudLlmSettingsSchema = z.object({ model: z.string(), ...cloudLlmSettings });

/**
 * The request options of a cloud LLM node: its retry policy, the key to redact and the model
 * to name in errors. The first-token deadline is not handed to the base: a tool-call fragment
 * is a first token too, but the base only sees the assembled calls, at the end of the stream.
 */
export function cloudLlmRequestOptions(
  settings: z.output<typeof cloudLlmSettingsSchema>,
  apiKey: string,
): RequestOptions {
  return {
    retry: retryPolicyFrom(settings),
    secret: apiKey,
    describe: { model: settings.model },
  };
}
