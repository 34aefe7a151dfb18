import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode, type NodeCreateContext } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { LLM_CONSUMES, LLM_PRODUCES } from '../../services/llm/LlmProcessor.ts';
import { RETRY_LIVE_KEYS } from '../../services/retry/retrySettings.ts';
import { STT_CONSUMES } from '../../services/stt/SttProcessor.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { DEFAULT_OPENAI_BASE_URL } from './createOpenAIClient.ts';
import { OpenAILlm, openAILlmSettings } from './OpenAILlm.ts';
import { OpenAIRealtime, openAIRealtimeSettings } from './OpenAIRealtime.ts';
import { OpenAIStt, openAISttSettings } from './OpenAIStt.ts';
import { OpenAITts, openAITtsSettings } from './OpenAITts.ts';

const OPENAI_KEY = 'OPENAI_API_KEY';

const baseUrl = endpointField(
  'OpenAI-compatible API base URL (Ollama, vLLM, Groq…) or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $OPENAI_BASE_URL, else https://api.openai.com/v1',
);

const openAIEndpoint: EndpointDeclaration<'baseUrl'> = {
  configKey: 'baseUrl',
  defaults: [DEFAULT_OPENAI_BASE_URL],
  serverBaseUrlEnv: 'OPENAI_BASE_URL',
};

const openAIConnection = (ctx: NodeCreateContext) => checkedConnection(ctx, OPENAI_KEY);

export const openAILlmNode = defineProcessorNode({
  type: 'llm.openai',
  category: 'llm',
  title: 'OpenAI LLM',
  description:
    'Chat Completions, streamed, with tool calls — OpenAI or any compatible server (Ollama, vLLM, Groq) via the base URL.',
  config: openAILlmSettings.extend({ baseUrl }),
  consumes: LLM_CONSUMES,
  produces: LLM_PRODUCES,
  liveKeys: [
    'model',
    'systemPrompt',
    'temperature',
    'fallbackReply',
    'maxToolSteps',
    'firstTokenTimeoutMs',
    ...RETRY_LIVE_KEYS,
  ],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  acceptsTools: true,
  // Cloud figures: the provider's published number where there is one; the source says when there is not.
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 400,
      source:
        'OpenAI publishes no latency figures; ~0.4 s to first token is what Artificial Analysis’ public benchmarks show for GPT-4o-class models on OpenAI’s API. Local servers (Ollama, vLLM) differ: talk to the graph to measure',
    },
    {
      stage: 'sentence',
      label: 'First sentence',
      typicalMs: 180,
      source:
        'a first sentence of ~12 tokens streamed at 60–80 tokens/s (public output-speed measurements of gpt-4o-mini)',
    },
  ],
  create: (config, ctx) =>
    new OpenAILlm(ctx.nodeId, ctx.session.conversation, config, openAIConnection(ctx)),
});

export const openAITtsNode = defineProcessorNode({
  type: 'tts.openai',
  category: 'tts',
  title: 'OpenAI TTS',
  description:
    'OpenAI /audio/speech, streamed as raw 24 kHz PCM: audio starts playing while the sentence is still being synthesised.',
  config: openAITtsSettings.extend({ baseUrl }),
  consumes: TTS_CONSUMES,
  produces: TTS_PRODUCES,
  liveKeys: ['model', 'voice', 'instructions', 'speed', 'firstByteTimeoutMs', ...RETRY_LIVE_KEYS],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 500,
      source:
        'OpenAI publishes no time-to-first-audio figure for /audio/speech; 500 ms is a rough figure for streamed PCM, not measured here — talk to the graph to measure it',
    },
  ],
  create: (config, ctx) => new OpenAITts(ctx.nodeId, config, openAIConnection(ctx)),
});

export const openAISttNode = defineProcessorNode({
  type: 'stt.openai',
  category: 'stt',
  title: 'OpenAI STT',
  description:
    'OpenAI /audio/transcriptions, one request per utterance cut by the VAD (needs a VAD before it). Final transcripts only.',
  config: openAISttSettings.extend({ baseUrl }),
  consumes: STT_CONSUMES,
  produces: ['audio.in', 'transcript.final', 'metrics'],
  liveKeys: ['model', 'language', 'prompt', 'minSegmentMs', 'requestTimeoutMs', ...RETRY_LIVE_KEYS],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  latency: [
    {
      stage: 'stt',
      label: 'STT final',
      typicalMs: 700,
      source:
        'OpenAI publishes no latency figure for /audio/transcriptions; the utterance is sent only at the VAD stop, so the whole request is on the path. 700 ms is a rough figure for a few seconds of audio, not measured here',
    },
  ],
  create: (config, ctx) => new OpenAIStt(ctx.nodeId, config, openAIConnection(ctx)),
});

export const openAIRealtimeNode = defineProcessorNode({
  type: 's2s.openai-realtime',
  category: 's2s',
  title: 'OpenAI Realtime (speech-to-speech)',
  description:
    'The whole loop in one node over the Realtime API: server VAD, the model hears and speaks directly, tools, barge-in with truncation at what was heard. Place between transport in and out.',
  config: openAIRealtimeSettings.extend({ baseUrl }),
  consumes: ['audio.in', 'text.input'],
  produces: [
    'audio.out',
    'user.speaking.started',
    'user.speaking.stopped',
    'interrupt',
    'transcript.final',
    ...LLM_PRODUCES,
  ],
  liveKeys: [
    'instructions',
    'voice',
    'vadThreshold',
    'silenceDurationMs',
    'prefixPaddingMs',
    'transcriptionModel',
    'reconnectDelayMs',
    'truncationRetentionRatio',
  ],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
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
      typicalMs: 320,
      source:
        'OpenAI’s GPT-4o announcement and system card: answers audio in 232 ms at best, 320 ms on average',
    },
  ],
  create: (config, ctx) =>
    new OpenAIRealtime(ctx.nodeId, config, openAIConnection(ctx), ctx.session.conversation),
});

/** Every OpenAI node type, for the built-in registry. */
export const openAINodeTypes = [openAILlmNode, openAITtsNode, openAISttNode, openAIRealtimeNode];
