import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { SentenceAggregator } from './SentenceAggregator.ts';

export const sentenceNode = defineProcessorNode({
  type: 'text.sentences',
  category: 'utility',
  title: 'Sentences',
  description: 'Cuts streamed LLM text into sentences so TTS starts speaking on the first one.',
  config: z.object({}),
  consumes: ['llm.text', 'llm.response.end'],
  produces: ['tts.text'],
  // Cutting text costs microseconds; the wait for a whole sentence depends on how fast the LLM streams, so LLM nodes declare it.
  latency: [],
  create: (_config, ctx) => new SentenceAggregator(ctx.nodeId),
});
