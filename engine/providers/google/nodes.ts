import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { LLM_PRODUCES } from '../../services/llm/LlmProcessor.ts';
import { GeminiLive, geminiLiveSettings } from './GeminiLive.ts';

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
    'The whole loop in one node over the Gemini Live API: server VAD, the model hears and speaks directly, tools, barge-in, transcripts both ways, resumable sessions. Place between transport in and out.',
  config: geminiLiveSettings.extend({ baseUrl }),
  consumes: ['audio.in', 'text.input'],
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

/** Every Google node type, for the built-in registry. */
export const googleNodeTypes = [geminiLiveNode];
