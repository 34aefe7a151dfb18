import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { AssistantTurnAggregator } from './AssistantTurnAggregator.ts';
import { UserTurnAggregator } from './UserTurnAggregator.ts';

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
