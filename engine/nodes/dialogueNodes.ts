import { z } from 'zod';
import { defineProcessorNode, defineToolNode } from '../graph/NodeRegistry.ts';
import { AssistantTurnAggregator } from '../processors/context/AssistantTurnAggregator.ts';
import { UserTurnAggregator } from '../processors/context/UserTurnAggregator.ts';
import { INTENT_PATTERN_LIMITS, intentPatternIssues } from '../processors/llm/IntentPattern.ts';
import { RulesLlm } from '../processors/llm/RulesLlm.ts';
import { SentenceAggregator } from '../processors/text/SentenceAggregator.ts';
import { createWeatherTool } from '../tools/weather/OpenMeteoWeather.ts';
import { DEFAULT_INTENTS } from './defaultIntents.ts';

/** A reply template is a spoken answer: a few sentences, not a document. */
const MAX_TEMPLATE_CHARS = 2000;

export const userTurnNode = defineProcessorNode({
  type: 'context.user',
  category: 'utility',
  title: 'User turns',
  description: 'Gathers transcripts into user turns, adds them to the conversation and asks the LLM to answer. Decides barge-in.',
  config: z.object({
    interruption: z.enum(['immediate', 'minDuration', 'minWords']).default('immediate').describe('When user speech interrupts a speaking bot'),
    minDurationMs: z.number().int().min(0).max(3000).default(300).describe('minDuration: speech needed to interrupt (ms)'),
    minWords: z.number().int().min(1).max(10).default(2).describe('minWords: recognised words needed to interrupt'),
    falseInterruption: z.enum(['ignore', 'pause']).default('ignore').describe('minDuration/minWords: what the bot does while the user’s speech is not yet an interruption. ignore: talks on. pause: goes quiet at once and resumes where it stopped if the speech ends without interrupting (a cough, “mm-hm”)'),
    falseInterruptionTimeoutMs: z.number().int().min(100).max(10000).default(2000).describe('pause: longest the bot stays paused for speech that has not become an interruption; then it resumes (ms)'),
    finalTimeoutMs: z.number().int().min(0).max(5000).default(1000).describe('Wait for the final transcript after end of speech (ms)'),
    endOfTurn: z.enum(['vad', 'smart']).default('vad').describe('vad: the turn ends when the VAD hears silence. smart: also checks the words — a sentence left hanging ("and", "um", "to") waits a little longer'),
    incompleteExtraMs: z.number().int().min(0).max(3000).default(600).describe('smart: extra wait after an unfinished sentence (ms)'),
    preemptiveGeneration: z.boolean().default(false).describe('Start the LLM when the VAD hears a pause (its pauseSecs), before the turn is confirmed; the answer is held back until the turn ends with the same words, else cancelled. Faster replies, more LLM requests'),
  }),
  consumes: ['transcript.final', 'transcript.interim', 'text.input', 'user.speaking.started', 'user.speaking.paused', 'user.speaking.stopped'],
  produces: ['llm.context', 'llm.context.preemptive', 'llm.context.discard', 'interrupt', 'output.pause', 'output.resume', 'metrics'],
  liveKeys: ['interruption', 'minDurationMs', 'minWords', 'falseInterruption', 'falseInterruptionTimeoutMs', 'finalTimeoutMs', 'endOfTurn', 'incompleteExtraMs', 'preemptiveGeneration'],
  latency: [
    {
      stage: 'turn',
      label: 'End-of-turn check',
      when: { endOfTurn: 'smart' },
      typicalMs: 0,
      upToFromConfig: { key: 'incompleteExtraMs' },
      source: 'smart end of turn: a complete sentence is not held (bench: turnEndSmartMs = turnEndVadMs); one that sounds unfinished waits config.incompleteExtraMs more',
    },
  ],
  create: (config, ctx) => new UserTurnAggregator(ctx.nodeId, ctx.session.conversation, config),
});

export const assistantTurnNode = defineProcessorNode({
  type: 'context.assistant',
  category: 'utility',
  title: 'Assistant turns',
  description: 'Writes the bot’s replies into the conversation as the user heard them (cut at a barge-in).',
  config: z.object({}),
  consumes: ['llm.text', 'llm.response.start', 'llm.response.end', 'bot.spoken'],
  produces: [],
  latency: [],
  create: (_config, ctx) => new AssistantTurnAggregator(ctx.nodeId, ctx.session.conversation),
});

export const sentenceNode = defineProcessorNode({
  type: 'text.sentences',
  category: 'utility',
  title: 'Sentences',
  description: 'Cuts streamed LLM text into sentences so TTS starts speaking on the first one.',
  config: z.object({}),
  consumes: ['llm.text', 'llm.response.end'],
  produces: ['tts.text'],
  // Cutting text costs microseconds; the wait for a whole sentence depends on how fast the LLM streams, so LLM nodes declare it.
  latency: [],
  create: (_config, ctx) => new SentenceAggregator(ctx.nodeId),
});

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

export const weatherToolNode = defineToolNode({
  type: 'tool.weather',
  category: 'tool',
  title: 'Weather (Open-Meteo)',
  description: 'Current weather for a place, from the free Open-Meteo API (no key).',
  config: z.object({
    baseUrl: z.url().default('https://api.open-meteo.com').describe('Forecast API base URL'),
    geocodingBaseUrl: z.url().default('https://geocoding-api.open-meteo.com').describe('Geocoding API base URL'),
    units: z.enum(['celsius', 'fahrenheit']).default('celsius'),
    timeoutMs: z.number().int().min(100).max(30_000).default(4000),
  }),
  create: (config) => createWeatherTool(config),
});

