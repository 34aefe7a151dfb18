import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { LLM_CONSUMES, LLM_PRODUCES } from '../../services/llm/LlmProcessor.ts';
import { RETRY_LIVE_KEYS } from '../../services/retry/retrySettings.ts';
import { GeminiLive, geminiLiveSettings } from './GeminiLive.ts';
import { GeminiLlm, geminiLlmSettings } from './GeminiLlm.ts';

const GEMINI_KEY = 'GEMINI_API_KEY';

export const DEFAULT_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

const baseUrl = endpointField(
  'Gemini API base URL or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $GEMINI_BASE_URL, else https://generativelanguage.googleapis.com',
);

const geminiEndpoint: EndpointDeclaration<'baseUrl'> = {
  configKey: 'baseUrl',
  defaults: [DEFAULT_GEMINI_BASE_URL],
  serverBaseUrlEnv: 'GEMINI_BASE_URL',
};

export const geminiLiveNode = defineProcessorNode({
  type: 's2s.gemini-live',
  category: 's2s',
  title: 'Gemini Live (speech-to-speech)',
  description:
    'The whole loop in one node over the Gemini Live API: server VAD (or a VAD node before it, turnDetection: client), the model hears and speaks directly, tools, barge-in, transcripts both ways, resumable sessions. Place between transport in and out.',
  config: geminiLiveSettings.extend({ baseUrl }),
  consumes: ['audio.in', 'text.input', 'user.speaking.started', 'user.speaking.stopped'],
  produces: [
    'audio.out',
    'user.speaking.started',
    'user.speaking.stopped',
    'interrupt',
    'transcript.final',
    ...LLM_PRODUCES,
  ],
  // Each of these needs a new setup: the node reconnects, resuming the session, at a quiet point.
  liveKeys: [
    'systemInstruction',
    'voice',
    'turnDetection',
    'silenceDurationMs',
    'prefixPaddingMs',
    'contextCompression',
    'reconnectDelayMs',
  ],
  credentials: [GEMINI_KEY],
  endpoint: geminiEndpoint,
  acceptsTools: true,
  latency: [
    {
      stage: 'vad',
      label: 'Server VAD silence',
      fromConfig: { key: 'silenceDurationMs' },
      typicalMs: 500,
      source: 'config.silenceDurationMs: the server waits this much silence before it answers',
    },
    {
      stage: 'llm',
      label: 'Model first audio',
      typicalMs: 600,
      source:
        'Google publishes no first-audio figure for the Live API; 600 ms is a rough figure for native-audio models, not measured here — talk to the graph to measure it',
    },
  ],
  create: (config, ctx) =>
    new GeminiLive(
      ctx.nodeId,
      config,
      checkedConnection(ctx, GEMINI_KEY),
      ctx.session.conversation,
    ),
});

export const geminiLlmNode = defineProcessorNode({
  type: 'llm.gemini',
  category: 'llm',
  title: 'Gemini LLM',
  description:
    'Gemini on the Gemini API (streamGenerateContent), streamed, with function calling; thinking off by default for a fast first token.',
  config: geminiLlmSettings.extend({ baseUrl }),
  consumes: LLM_CONSUMES,
  produces: LLM_PRODUCES,
  liveKeys: [
    'model',
    'systemPrompt',
    'maxTokens',
    'temperature',
    'thinkingBudget',
    'fallbackReply',
    'maxToolSteps',
    'firstTokenTimeoutMs',
    ...RETRY_LIVE_KEYS,
  ],
  credentials: [GEMINI_KEY],
  endpoint: geminiEndpoint,
  acceptsTools: true,
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 500,
      source:
        'Google publishes no time-to-first-token figure; ~0.5 s is a rough figure for Flash models with thinking off from public third-party benchmarks, not measured here — talk to the graph to measure it',
    },
    {
      stage: 'sentence',
      label: 'First sentence',
      typicalMs: 100,
      source:
        'a first sentence of ~12 tokens streamed at ~150 tokens/s (a rough public output-speed figure for Flash models, not measured here)',
    },
  ],
  create: (config, ctx) =>
    new GeminiLlm(ctx.nodeId, ctx.session.conversation, config, checkedConnection(ctx, GEMINI_KEY)),
});

/** Every Google node type, for the built-in registry. */
export const googleNodeTypes = [geminiLiveNode, geminiLlmNode];
