import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { DEFAULT_INTENTS } from './defaultIntents.ts';
import { INTENT_PATTERN_LIMITS, intentPatternIssues } from './IntentPattern.ts';
import { RulesLlm } from './RulesLlm.ts';

/** A reply template is a spoken answer: a few sentences, not a document. */
const MAX_TEMPLATE_CHARS = 2000;

export const rulesLlmNode = defineProcessorNode({
  type: 'llm.rules',
  category: 'llm',
  title: 'Rules (offline)',
  description: 'A deterministic rule-based responder — not a language model. Stands in for an LLM when none is configured: pattern → reply or tool call.',
  config: z.object({
    persona: z.string().min(1).max(64).default('Parley').describe('Name the bot uses for itself'),
    systemPrompt: z.string().max(20_000).default('You are Parley, a friendly voice assistant. Keep answers short.').describe('Kept in the conversation for LLM nodes that replace this one'),
    intents: z
      .array(
        z.object({
          name: z.string().min(1).max(64),
          patterns: z.array(z.string().min(1)).min(1),
          reply: z.string().max(MAX_TEMPLATE_CHARS).optional(),
          tool: z.object({ name: z.string().min(1).max(64), arguments: z.record(z.string().max(64), z.string().max(MAX_TEMPLATE_CHARS)) }).optional(),
          replyWithResult: z.string().max(MAX_TEMPLATE_CHARS).optional(),
          replyOnError: z.string().max(MAX_TEMPLATE_CHARS).optional(),
        }),
      )
      .max(INTENT_PATTERN_LIMITS.maxIntents)
      // RE2 syntax, linear-time matching: a graph's pattern must not be able to stall the server (see IntentPattern.ts).
      .superRefine((intents, ctx) => {
        for (const issue of intentPatternIssues(intents)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      })
      .default(DEFAULT_INTENTS)
      .describe('Patterns are RE2 regular expressions, matched case-insensitively: no lookahead, lookbehind or backreferences'),
    fallback: z.string().max(MAX_TEMPLATE_CHARS).default('Sorry, I only know a few things. Ask me about the weather somewhere, or for a joke.'),
    fallbackReply: z.string().max(MAX_TEMPLATE_CHARS).default('Sorry, something went wrong on my side.'),
    maxToolSteps: z.number().int().min(0).max(10).default(3),
  }),
  consumes: ['llm.context', 'llm.context.preemptive', 'llm.context.discard'],
  produces: ['llm.response.start', 'llm.text', 'llm.tool.call', 'llm.tool.result', 'llm.response.end', 'metrics'],
  liveKeys: ['persona', 'systemPrompt', 'intents', 'fallback', 'fallbackReply', 'maxToolSteps'],
  acceptsTools: true,
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 1,
      source: 'an in-process pattern match, no network; the reply comes whole, so its first sentence is ready at once. Tool turns add the tool’s time',
    },
  ],
  create: (config, ctx) => new RulesLlm(ctx.nodeId, ctx.session.conversation, config),
});
