import { z } from 'zod';
import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode, type NodeCreateContext } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { DEFAULT_DEEPGRAM_BASE_URL } from './createDeepgramClient.ts';
import { DeepgramStt } from './DeepgramStt.ts';
import { DeepgramTts } from './DeepgramTts.ts';

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
  consumes: TTS_CONSUMES,
  produces: TTS_PRODUCES,
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

/** Every Deepgram node type, for the built-in registry. */
export const deepgramNodeTypes = [deepgramSttNode, deepgramTtsNode];
