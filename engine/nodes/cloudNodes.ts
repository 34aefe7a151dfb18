import { z } from 'zod';
import { ENDPOINT_NAME, type EndpointDeclaration } from '../graph/EndpointPolicy.ts';
import { type NodeCreateContext, defineProcessorNode } from '../graph/NodeRegistry.ts';
import { OpenAILlm } from '../processors/llm/OpenAILlm.ts';
import { OpenAIRealtime } from '../processors/s2s/OpenAIRealtime.ts';
import { DeepgramStt } from '../processors/stt/DeepgramStt.ts';
import { OpenAIStt } from '../processors/stt/OpenAIStt.ts';
import { DeepgramTts } from '../processors/tts/DeepgramTts.ts';
import { OpenAITts } from '../processors/tts/OpenAITts.ts';
import { DEFAULT_DEEPGRAM_BASE_URL } from '../services/deepgram/createDeepgramClient.ts';
import { DEFAULT_OPENAI_BASE_URL } from '../services/openai/createOpenAIClient.ts';

/**
 * Node types backed by cloud providers through their official SDKs. Each
 * names its API key as an environment variable: a graph holds no secrets, and
 * a session refuses to start without the key, naming the variable. Where the
 * key may be sent is the server's decision (EndpointPolicy): `baseUrl` picks
 * among the endpoints the server allows, and nodes dial `ctx.endpoint`, the
 * checked URL, never their raw config.
 */

const OPENAI_KEY = 'OPENAI_API_KEY';

/** A base URL, the name of one in PARLEY_ALLOWED_ENDPOINTS, or empty for the server's default. */
const endpointField = (description: string) =>
  z
    .union([z.literal(''), z.url(), z.string().regex(ENDPOINT_NAME, 'must be a URL or the name of an endpoint the server allows')])
    .default('')
    .describe(description);

const baseUrl = endpointField(
  'OpenAI-compatible API base URL (Ollama, vLLM, Groq…) or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $OPENAI_BASE_URL, else https://api.openai.com/v1',
);

const openAIEndpoint: EndpointDeclaration<'baseUrl'> = { configKey: 'baseUrl', defaults: [DEFAULT_OPENAI_BASE_URL], serverBaseUrlEnv: 'OPENAI_BASE_URL' };

const retries = {
  maxRetries: z.number().int().min(0).max(5).default(2).describe('Retries on 429/5xx/dropped connections, only before any output'),
  retryDelayMs: z.number().int().min(0).max(10_000).default(250).describe('First retry delay; doubles each time (ms)'),
  maxRetryDelayMs: z.number().int().min(0).max(30_000).default(2000).describe('Longest wait between attempts, also for retry-after (ms)'),
};

/** The key, and the base URL the endpoint policy checked (never the config's raw value). */
function checkedConnection(ctx: NodeCreateContext, variable: string): { apiKey: string; baseUrl: string } {
  if (ctx.endpoint === undefined) throw new Error(`node '${ctx.nodeId}' was built without an endpoint check`);
  return { apiKey: ctx.credentials[variable], baseUrl: ctx.endpoint };
}

const openAIConnection = (ctx: NodeCreateContext) => checkedConnection(ctx, OPENAI_KEY);

export const openAILlmNode = defineProcessorNode({
  type: 'llm.openai',
  category: 'llm',
  title: 'OpenAI LLM',
  description: 'Chat Completions, streamed, with tool calls — OpenAI or any compatible server (Ollama, vLLM, Groq) via the base URL.',
  config: z.object({
    model: z.string().min(1).default('gpt-4o-mini').describe('Model name as the server knows it'),
    systemPrompt: z.string().max(20_000).default('You are Parley, a friendly voice assistant. Answer in one or two short spoken sentences, without lists or markdown.'),
    temperature: z.number().min(0).max(2).default(0.7),
    baseUrl,
    fallbackReply: z.string().default('Sorry, I could not think of an answer just now.').describe('Said when the model fails'),
    maxToolSteps: z.number().int().min(0).max(10).default(3).describe('Model round-trips with tool results per turn'),
    firstTokenTimeoutMs: z.number().int().min(500).max(60_000).default(8000).describe('Abandon (and retry) an attempt with no first token by then (ms)'),
    ...retries,
  }),
  consumes: ['llm.context', 'llm.context.preemptive', 'llm.context.discard'],
  produces: ['llm.response.start', 'llm.text', 'llm.tool.call', 'llm.tool.result', 'llm.response.end', 'metrics'],
  liveKeys: ['model', 'systemPrompt', 'temperature', 'fallbackReply', 'maxToolSteps', 'firstTokenTimeoutMs', 'maxRetries', 'retryDelayMs', 'maxRetryDelayMs'],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  acceptsTools: true,
  // Cloud figures: the provider's published number where there is one; the source says when there is not.
  latency: [
    {
      stage: 'llm',
      label: 'LLM first token',
      typicalMs: 400,
      source: 'OpenAI publishes no latency figures; ~0.4 s to first token is what Artificial Analysis’ public benchmarks show for GPT-4o-class models on OpenAI’s API. Local servers (Ollama, vLLM) differ: talk to the graph to measure',
    },
    {
      stage: 'sentence',
      label: 'First sentence',
      typicalMs: 180,
      source: 'a first sentence of ~12 tokens streamed at 60–80 tokens/s (public output-speed measurements of gpt-4o-mini)',
    },
  ],
  create: (config, ctx) => new OpenAILlm(ctx.nodeId, ctx.session.conversation, config, openAIConnection(ctx)),
});

export const openAITtsNode = defineProcessorNode({
  type: 'tts.openai',
  category: 'tts',
  title: 'OpenAI TTS',
  description: 'OpenAI /audio/speech, streamed as raw 24 kHz PCM: audio starts playing while the sentence is still being synthesised.',
  config: z.object({
    model: z.string().min(1).default('gpt-4o-mini-tts').describe('gpt-4o-mini-tts, tts-1, tts-1-hd'),
    voice: z.string().min(1).default('coral').describe('alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar'),
    instructions: z.string().max(4000).default('').describe('How to speak: tone, pace, accent (not for tts-1)'),
    speed: z.number().min(0.25).max(4).default(1),
    baseUrl,
    firstByteTimeoutMs: z.number().int().min(500).max(60_000).default(5000).describe('Abandon (and retry) an attempt with no audio by then (ms)'),
    ...retries,
  }),
  consumes: ['tts.text', 'llm.response.end'],
  produces: ['tts.start', 'tts.text', 'audio.out', 'tts.stop', 'metrics'],
  liveKeys: ['model', 'voice', 'instructions', 'speed', 'firstByteTimeoutMs', 'maxRetries', 'retryDelayMs', 'maxRetryDelayMs'],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 500,
      source: 'OpenAI publishes no time-to-first-audio figure for /audio/speech; 500 ms is a rough figure for streamed PCM, not measured here — talk to the graph to measure it',
    },
  ],
  create: (config, ctx) => new OpenAITts(ctx.nodeId, config, openAIConnection(ctx)),
});

export const openAISttNode = defineProcessorNode({
  type: 'stt.openai',
  category: 'stt',
  title: 'OpenAI STT',
  description: 'OpenAI /audio/transcriptions, one request per utterance cut by the VAD (needs a VAD before it). Final transcripts only.',
  config: z.object({
    model: z.string().min(1).default('gpt-4o-mini-transcribe').describe('gpt-4o-mini-transcribe, gpt-4o-transcribe, whisper-1'),
    language: z.string().regex(/^([a-z]{2,3})?$/, 'must be an ISO-639-1 code such as en, or empty').default('').describe('Empty: detect'),
    prompt: z.string().max(2000).default('').describe('Vocabulary hints: names, places, jargon'),
    baseUrl,
    preRollMs: z.number().int().min(0).max(2000).default(500).describe('Audio before the VAD start that is kept for the recogniser (ms)'),
    minSegmentMs: z.number().int().min(0).max(2000).default(200).describe('Shorter utterances (clicks, coughs) are not sent (ms)'),
    maxSegmentMs: z.number().int().min(1000).max(120_000).default(30_000).describe('Longer speech is sent in pieces (ms)'),
    requestTimeoutMs: z.number().int().min(500).max(60_000).default(8000).describe('Abandon (and retry) a transcription not answered by then (ms)'),
    ...retries,
  }),
  consumes: ['audio.in', 'user.speaking.started', 'user.speaking.stopped'],
  produces: ['audio.in', 'transcript.final', 'metrics'],
  liveKeys: ['model', 'language', 'prompt', 'minSegmentMs', 'requestTimeoutMs', 'maxRetries', 'retryDelayMs', 'maxRetryDelayMs'],
  credentials: [OPENAI_KEY],
  endpoint: openAIEndpoint,
  latency: [
    {
      stage: 'stt',
      label: 'STT final',
      typicalMs: 700,
      source: 'OpenAI publishes no latency figure for /audio/transcriptions; the utterance is sent only at the VAD stop, so the whole request is on the path. 700 ms is a rough figure for a few seconds of audio, not measured here',
    },
  ],
  create: (config, ctx) => new OpenAIStt(ctx.nodeId, config, openAIConnection(ctx)),
});

export const openAIRealtimeNode = defineProcessorNode({
  type: 's2s.openai-realtime',
  category: 's2s',
  title: 'OpenAI Realtime (speech-to-speech)',
  description: 'The whole loop in one node over the Realtime API: server VAD, the model hears and speaks directly, tools, barge-in with truncation at what was heard. Place between transport in and out.',
  config: z.object({
    model: z.string().min(1).default('gpt-realtime'),
    instructions: z.string().max(20_000).default('You are Parley, a friendly voice assistant. Keep answers short and conversational.'),
    voice: z.string().min(1).default('marin').describe('alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar; fixed once the bot has spoken'),
    vadThreshold: z.number().min(0).max(1).default(0.5).describe('Server VAD speech threshold'),
    silenceDurationMs: z.number().int().min(100).max(3000).default(500).describe('Silence that ends the user turn (ms)'),
    prefixPaddingMs: z.number().int().min(0).max(2000).default(300).describe('Audio before detected speech the model also hears (ms)'),
    transcriptionModel: z.string().min(1).default('gpt-4o-mini-transcribe').describe('Transcribes the user for transcripts and the conversation log'),
    reconnectDelayMs: z.number().int().min(0).max(30_000).default(1000).describe('Wait before reconnecting after a failure (ms)'),
    baseUrl,
  }),
  consumes: ['audio.in', 'text.input'],
  produces: ['audio.out', 'user.speaking.started', 'user.speaking.stopped', 'interrupt', 'transcript.final', 'llm.response.start', 'llm.text', 'llm.tool.call', 'llm.tool.result', 'llm.response.end', 'metrics'],
  liveKeys: ['instructions', 'voice', 'vadThreshold', 'silenceDurationMs', 'prefixPaddingMs', 'transcriptionModel', 'reconnectDelayMs'],
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
      source: 'OpenAI’s GPT-4o announcement and system card: answers audio in 232 ms at best, 320 ms on average',
    },
  ],
  create: (config, ctx) => new OpenAIRealtime(ctx.nodeId, config, openAIConnection(ctx), ctx.session.conversation),
});

const DEEPGRAM_KEY = 'DEEPGRAM_API_KEY';

const deepgramBaseUrl = endpointField(
  'Self-hosted Deepgram base URL, or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $DEEPGRAM_BASE_URL, else Deepgram cloud (wss://api.deepgram.com)',
);

const deepgramEndpoint: EndpointDeclaration<'baseUrl'> = { configKey: 'baseUrl', defaults: [DEFAULT_DEEPGRAM_BASE_URL], serverBaseUrlEnv: 'DEEPGRAM_BASE_URL' };
const deepgramConnection = (ctx: NodeCreateContext) => checkedConnection(ctx, DEEPGRAM_KEY);

export const deepgramSttNode = defineProcessorNode({
  type: 'stt.deepgram',
  category: 'stt',
  title: 'Deepgram STT',
  description: 'Deepgram live streaming recognition (Nova-3): interim and final transcripts; finalises at once when the VAD hears the user stop.',
  config: z.object({
    model: z.string().min(1).default('nova-3'),
    language: z.string().min(2).max(16).default('en-US').describe('BCP-47 tag, or multi'),
    smartFormat: z.boolean().default(true).describe('Punctuation, numerals, dates'),
    endpointingMs: z.number().int().min(10).max(5000).default(300).describe('Silence after which Deepgram finalises a phrase on its own (ms)'),
    utteranceEndMs: z.number().int().min(0).max(5000).refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000').default(1000).describe('UtteranceEnd after this gap between words (ms); 0 = off, otherwise at least 1000'),
    keyterms: z.array(z.string().min(1).max(100)).max(100).default([]).describe('Words to boost: names, products'),
    keepAliveMs: z.number().int().min(1000).max(9000).default(5000).describe('KeepAlive after this much time without audio; Deepgram closes idle streams after 10 s (ms)'),
    maxBufferedMs: z.number().int().min(0).max(10_000).default(2000).describe('Audio held while (re)connecting (ms)'),
    reconnectDelayMs: z.number().int().min(0).max(30_000).default(1000).describe('Wait before reconnecting after a failure (ms)'),
    baseUrl: deepgramBaseUrl,
  }),
  consumes: ['audio.in', 'user.speaking.stopped'],
  produces: ['audio.in', 'transcript.interim', 'transcript.final', 'metrics'],
  liveKeys: ['keepAliveMs', 'maxBufferedMs', 'reconnectDelayMs'],
  credentials: [DEEPGRAM_KEY],
  endpoint: deepgramEndpoint,
  latency: [
    {
      stage: 'stt',
      label: 'STT final',
      typicalMs: 300,
      source: 'Deepgram publishes sub-300 ms streaming latency for Nova-3; the node sends Finalize at the VAD stop, so one such answer is on the path. 300 ms is the published bound',
    },
  ],
  create: (config, ctx) => new DeepgramStt(ctx.nodeId, config, deepgramConnection(ctx)),
});

export const deepgramTtsNode = defineProcessorNode({
  type: 'tts.deepgram',
  category: 'tts',
  title: 'Deepgram Aura TTS',
  description: 'Deepgram Aura over one WebSocket per session: streamed linear16, cleared at once on barge-in. Deepgram allows 20 flushes (sentences) a minute per socket.',
  config: z.object({
    model: z.string().min(1).default('aura-2-thalia-en').describe('Aura voice, e.g. aura-2-thalia-en, aura-2-apollo-en'),
    sampleRate: z.union([z.literal(8000), z.literal(16000), z.literal(24000), z.literal(32000), z.literal(48000)]).default(24000),
    firstByteTimeoutMs: z.number().int().min(500).max(60_000).default(5000).describe('A sentence with no audio by then fails and the socket is reopened (ms)'),
    baseUrl: deepgramBaseUrl,
  }),
  consumes: ['tts.text', 'llm.response.end'],
  produces: ['tts.start', 'tts.text', 'audio.out', 'tts.stop', 'metrics'],
  liveKeys: ['model', 'sampleRate', 'firstByteTimeoutMs'],
  credentials: [DEEPGRAM_KEY],
  endpoint: deepgramEndpoint,
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 200,
      source: 'Deepgram publishes sub-200 ms time to first byte for Aura-2 (about 90 ms in steady state)',
    },
  ],
  create: (config, ctx) => new DeepgramTts(ctx.nodeId, config, deepgramConnection(ctx)),
});

/** Every cloud node type, for the built-in registry. */
export const cloudNodeTypes = [openAILlmNode, openAITtsNode, openAISttNode, openAIRealtimeNode, deepgramSttNode, deepgramTtsNode];
