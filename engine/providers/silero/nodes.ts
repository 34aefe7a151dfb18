import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { VAD_CONSUMES, VAD_PRODUCES, vadConfig, vadLiveKeys, vadStopDelay } from '../../processors/vad/nodes.ts';
import { VadProcessor } from '../../processors/vad/VadProcessor.ts';
import { SileroScorer } from './SileroScorer.ts';

export const sileroVadNode = defineProcessorNode({
  type: 'vad.silero',
  category: 'vad',
  title: 'Silero VAD',
  description: 'Neural voice activity detection (Silero v5, ONNX on CPU, MIT). 32 ms windows at 16 kHz.',
  config: vadConfig({ confidence: 0.6, minVolume: -55 }),
  consumes: VAD_CONSUMES,
  produces: VAD_PRODUCES,
  liveKeys: [...vadLiveKeys],
  latency: vadStopDelay(32, 'Silero windows (bench: turnEndVadMs 328 ms at stopSecs 0.3)'),
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new SileroScorer(), config),
});
