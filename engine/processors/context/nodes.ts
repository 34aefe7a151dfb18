import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { AssistantTurnAggregator } from './AssistantTurnAggregator.ts';
import { UserTurnAggregator, userTurnSettings } from './UserTurnAggregator.ts';

export const userTurnNode = defineProcessorNode({
  type: 'context.user',
  category: 'utility',
  title: 'User turns',
  description:
    'Gathers transcripts into user turns, adds them to the conversation and asks the LLM to answer. Decides barge-in.',
  config: userTurnSettings,
  consumes: [
    'transcript.final',
    'transcript.interim',
    'text.input',
    'user.speaking.started',
    'user.speaking.paused',
    'user.speaking.stopped',
  ],
  produces: [
    'llm.context',
    'llm.context.preemptive',
    'llm.context.discard',
    'context.summarize',
    'interrupt',
    'output.pause',
    'output.resume',
    'metrics',
  ],
  liveKeys: [
    'interruption',
    'minDurationMs',
    'minWords',
    'falseInterruption',
    'falseInterruptionTimeoutMs',
    'finalTimeoutMs',
    'endOfTurn',
    'incompleteExtraMs',
    'preemptiveGeneration',
    'contextBudgetTokens',
    'keepLatestTurns',
    'contextStrategy',
  ],
  latency: [
    {
      stage: 'turn',
      label: 'End-of-turn check',
      when: { endOfTurn: 'smart' },
      typicalMs: 0,
      upToFromConfig: { key: 'incompleteExtraMs' },
      source:
        'smart end of turn: a complete sentence is not held (bench: turnEndSmartMs = turnEndVadMs); one that sounds unfinished waits config.incompleteExtraMs more',
    },
  ],
  create: (config, ctx) => new UserTurnAggregator(ctx.nodeId, ctx.session.conversation, config),
});

export const assistantTurnNode = defineProcessorNode({
  type: 'context.assistant',
  category: 'utility',
  title: 'Assistant turns',
  description:
    'Writes the bot’s replies into the conversation as the user heard them (cut at a barge-in).',
  config: z.object({}),
  consumes: ['llm.text', 'llm.response.start', 'llm.response.end', 'bot.spoken'],
  produces: [],
  latency: [],
  create: (_config, ctx) => new AssistantTurnAggregator(ctx.nodeId, ctx.session.conversation),
});
