import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { LLM_CONSUMES, LLM_PRODUCES } from '../../services/llm/LlmProcessor.ts';
import { RETRY_LIVE_KEYS } from '../../services/retry/retrySettings.ts';
import { AnthropicLlm, anthropicLlmSettings } from './AnthropicLlm.ts';
import { DEFAULT_ANTHROPIC_BASE_URL } from './createAnthropicClient.ts';

const ANTHROPIC_KEY = 'ANTHROPIC_API_KEY';

const anthropicEndpoint: EndpointDeclaration<'baseUrl'> = {
  configKey: 'baseUrl',
  defaults: [DEFAULT_ANTHROPIC_BASE_URL],
  serverBaseUrlEnv: 'ANTHROPIC_BASE_URL',
};

export const anthropicLlmNode = defineProcessorNode({
  type: 'llm.anthropic',
  category: 'llm',
  title: 'Anthropic Claude LLM',
  description:
    'Claude on the Messages API, streamed, with tool use and prompt caching of the system prompt and tools.',
  config: anthropicLlmSettings.extend({
    baseUrl: endpointField(
      'Messages API base URL or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $ANTHROPIC_BASE_URL, else https://api.anthropic.com',
    ),
  }),
  consumes: LLM_CONSUMES,
  produces: LLM_PRODUCES,
  liveKeys: [
    'model',
    'systemPrompt',
    'maxTokens',
    'fallbackReply',
    'maxToolSteps',
    'firstTokenTimeoutMs',
    'promptCaching',
    ...RETRY_LIVE_KEYS,
  ],
  credentials: [ANTHROPIC_KEY],
  endpoint: anthropicEndpoint,
  acceptsTools: true,
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 600,
      source:
        'Anthropic publishes no time-to-first-token figure; ~0.6 s is a rough figure for Haiku-class models from public third-party benchmarks, not measured here — talk to the graph to measure it',
    },
    {
      stage: 'sentence',
      label: 'First sentence',
      typicalMs: 150,
      source:
        'a first sentence of ~12 tokens streamed at ~80 tokens/s (a rough public output-speed figure for Haiku-class models, not measured here)',
    },
  ],
  create: (config, ctx) =>
    new AnthropicLlm(
      ctx.nodeId,
      ctx.session.conversation,
      config,
      checkedConnection(ctx, ANTHROPIC_KEY),
    ),
});

/** Every Anthropic node type, for the built-in registry. */
export const anthropicNodeTypes = [anthropicLlmNode];
