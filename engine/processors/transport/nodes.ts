import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { OUTPUT_CHUNK_MS, PacedAudioOutput, pacedAudioOutputSettings } from './PacedAudioOutput.ts';
import { TransportInput } from './TransportInput.ts';

export const transportInputNode = defineProcessorNode({
  type: 'transport.input',
  category: 'transport',
  title: 'Transport in',
  description:
    'Audio and events from whoever the session was opened with: browser, phone, WAV file or test.',
  config: z.object({}),
  consumes: [],
  produces: ['audio.in', 'text.input'],
  // Audio enters as it is captured; the turn's clock starts at the end of speech.
  latency: [],
  create: (_config, ctx) => new TransportInput(ctx.nodeId),
});

export const transportOutputNode = defineProcessorNode({
  type: 'transport.output',
  category: 'transport',
  title: 'Transport out',
  description: 'Bot audio paced in real time to the client, so an interrupt silences it at once.',
  config: pacedAudioOutputSettings,
  consumes: ['*'],
  produces: ['audio.out', 'bot.speaking.started', 'bot.speaking.stopped'],
  liveKeys: ['maxAheadMs'],
  latency: [
    {
      stage: 'output',
      label: 'Output',
      typicalMs: 0,
      source:
        'the first chunk goes to the transport as soon as it arrives; maxAheadMs only bounds how far later chunks run ahead (bench: engineOverheadMsPerTurn 0.4 ms for every engine hop together). The client’s own playback buffer is not included',
    },
  ],
  create: (config, ctx) =>
    new PacedAudioOutput(ctx.nodeId, { ...config, chunkMs: OUTPUT_CHUNK_MS }),
});
