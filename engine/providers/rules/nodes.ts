import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { LLM_CONSUMES, LLM_PRODUCES } from '../../services/llm/LlmProcessor.ts';
import { RulesLlm, rulesLlmSettings } from './RulesLlm.ts';

export const rulesLlmNode = defineProcessorNode({
  type: 'llm.rules',
  category: 'llm',
  title: 'Rules (offline)',
  description:
    'A deterministic rule-based responder — not a language model. Stands in for an LLM when none is configured: ' +
    'understands weather, time, date, jokes and small talk from many phrasings (and the recogniser’s usual slips), ' +
    'asks when unsure, follows up, and calls the weather and clock tools. Your own patterns are tried first.',
  config: rulesLlmSettings,
  consumes: LLM_CONSUMES,
  produces: LLM_PRODUCES,
  liveKeys: [
    'persona',
    'style',
    'builtInIntents',
    'systemPrompt',
    'intents',
    'fallback',
    'fallbackReply',
    'maxToolSteps',
  ],
  acceptsTools: true,
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 1,
      source:
        'in-process word matching, no network; the reply comes whole, so its first sentence is ready at once. Tool turns add the tool’s time',
    },
  ],
  create: (config, ctx) => new RulesLlm(ctx.nodeId, ctx.session.conversation, config),
});
