import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { MoshiS2s, moshiSettings } from './MoshiS2s.ts';

export const moshiNode = defineProcessorNode({
  type: 's2s.moshi',
  category: 's2s',
  title: 'Moshi (speech-to-speech, self-hosted)',
  description:
    'Kyutai Moshi over its WebSocket protocol: full duplex, it hears the user while it speaks. Streams the microphone as Ogg/Opus, plays its voice, turns its words into transcripts. No API key, no tools. Place between transport in and out.',
  config: moshiSettings,
  consumes: ['audio.in'],
  // No tool frames: Moshi has no function calling.
  produces: [
    'audio.out',
    'interrupt',
    'llm.response.start',
    'llm.text',
    'llm.response.end',
    'metrics',
  ],
  liveKeys: ['bargeIn', 'reconnectDelayMs'],
  latency: [
    {
      stage: 'llm',
      label: 'Moshi first audio',
      typicalMs: 200,
      source:
        'Kyutai report about 200 ms in practice (160 ms theoretical) on an L4 GPU; self-hosted, so it depends on your hardware — not measured here',
    },
  ],
  create: (config, ctx) => new MoshiS2s(ctx.nodeId, config, ctx.session.conversation),
});

/** Every Moshi node type, for the built-in registry. */
export const moshiNodeTypes = [moshiNode];
