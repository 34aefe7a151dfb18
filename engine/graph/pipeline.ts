import { z } from 'zod';
import type { Clock } from '../core/Clock.ts';
import type { FrameProcessor } from '../core/FrameProcessor.ts';
import type { Logger } from '../core/Logger.ts';
import { transportInputNode, transportOutputNode } from '../processors/transport/nodes.ts';
import { PacedAudioOutput } from '../processors/transport/PacedAudioOutput.ts';
import { TransportInput } from '../processors/transport/TransportInput.ts';
import { GRAPH_VERSION, type GraphDocument } from './GraphDocument.ts';
import { GraphRunner } from './GraphRunner.ts';
import { defineProcessorNode, NodeRegistry } from './NodeRegistry.ts';

export interface PipelineOptions {
  clock?: Clock;
  logger?: Logger;
  sessionId?: string;
  audioInSampleRate?: number;
  audioOutSampleRate?: number;
}

/**
 * Builds a linear graph from processor instances, in code:
 *
 *     const agent = pipeline([vad, stt, userContext, llm, sentences, tts]);
 *     agent.onOutput((frame) => speaker.play(frame));
 *     await agent.start();
 *
 * A transport input and a paced output are added at the ends unless given.
 * The result is an ordinary GraphRunner: same routing, lifecycle and metrics
 * as a graph loaded from JSON.
 */
export function pipeline(processors: FrameProcessor[], options: PipelineOptions = {}): GraphRunner {
  const chain = [...processors];
  if (!(chain[0] instanceof TransportInput)) chain.unshift(new TransportInput('input'));
  if (!(chain[chain.length - 1] instanceof PacedAudioOutput))
    chain.push(new PacedAudioOutput('output'));

  const registry = new NodeRegistry();
  const nodes: GraphDocument['nodes'] = [];
  chain.forEach((processor, i) => {
    const base =
      i === 0 ? transportInputNode : i === chain.length - 1 ? transportOutputNode : undefined;
    const type = base?.type ?? `inline.${i}`;
    registry.register(
      defineProcessorNode({
        type,
        category: base?.category ?? 'utility',
        title: processor.constructor.name,
        description: 'processor instance given in code',
        config: z.object({}).passthrough(),
        consumes: ['*'],
        produces: ['*'],
        create: () => processor,
      }),
    );
    nodes.push({ id: processor.id, type, config: {} });
  });
  const edges = chain.slice(1).map((p, i) => ({ id: `e${i}`, source: chain[i].id, target: p.id }));
  return new GraphRunner(
    { version: GRAPH_VERSION, name: 'pipeline', nodes, edges },
    { registry, ...options },
  );
}
