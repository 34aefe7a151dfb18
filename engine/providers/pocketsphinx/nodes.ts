import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { STT_CONSUMES } from '../../services/stt/SttProcessor.ts';
import { PocketsphinxStt } from './PocketsphinxStt.ts';
import { languageModelBias, vocabularyBiasSchema } from './vocabularyBias.ts';

export const pocketsphinxSttNode = defineProcessorNode({
  type: 'stt.pocketsphinx',
  category: 'stt',
  title: 'Pocketsphinx STT (offline)',
  description:
    'Local streaming speech recognition (CMU pocketsphinx, US English). Decodes while you speak; final text ~10 ms after end of speech. Modest accuracy; bias it toward what your agent handles for much better recognition of those requests.',
  config: z.object({ bias: vocabularyBiasSchema.optional() }),
  consumes: STT_CONSUMES,
  produces: ['transcript.interim', 'transcript.final', 'metrics'],
  latency: [
    {
      stage: 'stt',
      label: 'STT final',
      typicalMs: 10,
      source:
        'bench offline: sttFinalDelayMs 10.5–11.5 ms — the decoder keeps up while the user speaks, so only the last frames remain at the VAD stop',
    },
  ],
  create: (config, ctx) =>
    new PocketsphinxStt(ctx.nodeId, {
      bias: config.bias ? languageModelBias(config.bias) : undefined,
    }),
});
