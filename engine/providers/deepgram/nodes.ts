import type { EndpointDeclaration } from '../../graph/EndpointPolicy.ts';
import { defineProcessorNode, type NodeCreateContext } from '../../graph/NodeRegistry.ts';
import { checkedConnection, endpointField } from '../../services/cloudNode.ts';
import { STT_CONSUMES } from '../../services/stt/SttProcessor.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { DEFAULT_DEEPGRAM_BASE_URL } from './createDeepgramClient.ts';
import { DeepgramStt, deepgramSttSettings } from './DeepgramStt.ts';
import { DeepgramTts, deepgramTtsSettings } from './DeepgramTts.ts';

const DEEPGRAM_KEY = 'DEEPGRAM_API_KEY';

const deepgramBaseUrl = endpointField(
  'Self-hosted Deepgram base URL, or the name of an endpoint in $PARLEY_ALLOWED_ENDPOINTS; the server allows only those it lists. Empty: $DEEPGRAM_BASE_URL, else Deepgram cloud (wss://api.deepgram.com)',
);

const deepgramEndpoint: EndpointDeclaration<'baseUrl'> = {
  configKey: 'baseUrl',
  defaults: [DEFAULT_DEEPGRAM_BASE_URL],
  serverBaseUrlEnv: 'DEEPGRAM_BASE_URL',
};
const deepgramConnection = (ctx: NodeCreateContext) => checkedConnection(ctx, DEEPGRAM_KEY);

export const deepgramSttNode = defineProcessorNode({
  type: 'stt.deepgram',
  category: 'stt',
  title: 'Deepgram STT',
  description:
    'Deepgram live streaming recognition (Nova-3): interim and final transcripts; finalises at once when the VAD hears the user stop.',
  config: deepgramSttSettings.extend({ baseUrl: deepgramBaseUrl }),
  consumes: STT_CONSUMES,
  produces: ['audio.in', 'transcript.interim', 'transcript.final', 'metrics'],
  liveKeys: ['keepAliveMs', 'maxBufferedMs', 'reconnectDelayMs'],
  credentials: [DEEPGRAM_KEY],
  endpoint: deepgramEndpoint,
  latency: [
    {
      stage: 'stt',
      label: 'STT final',
      typicalMs: 300,
      source:
        'Deepgram publishes sub-300 ms streaming latency for Nova-3; the node sends Finalize at the VAD stop, so one such answer is on the path. 300 ms is the published bound',
    },
  ],
  create: (config, ctx) => new DeepgramStt(ctx.nodeId, config, deepgramConnection(ctx)),
});

export const deepgramTtsNode = defineProcessorNode({
  type: 'tts.deepgram',
  category: 'tts',
  title: 'Deepgram Aura TTS',
  description:
    'Deepgram Aura over one WebSocket per session: streamed linear16, cleared at once on barge-in. Deepgram allows 20 flushes (sentences) a minute per socket.',
  config: deepgramTtsSettings.extend({ baseUrl: deepgramBaseUrl }),
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
      source:
        'Deepgram publishes sub-200 ms time to first byte for Aura-2 (about 90 ms in steady state)',
    },
  ],
  create: (config, ctx) => new DeepgramTts(ctx.nodeId, config, deepgramConnection(ctx)),
});

/** Every Deepgram node type, for the built-in registry. */
export const deepgramNodeTypes = [deepgramSttNode, deepgramTtsNode];
