import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import {
  VAD_CONSUMES,
  VAD_PRODUCES,
  vadLiveKeys,
  vadStopDelay,
} from '../../processors/vad/nodes.ts';
import { VadProcessor, vadSettings } from '../../processors/vad/VadProcessor.ts';
import { SILERO_SCORER_DEFAULTS, SileroScorer } from './SileroScorer.ts';

export const sileroVadNode = defineProcessorNode({
  type: 'vad.silero',
  category: 'vad',
  title: 'Silero VAD',
  description:
    'Neural voice activity detection (Silero v5, ONNX on CPU, MIT). 32 ms windows at 16 kHz.',
  config: vadSettings(SILERO_SCORER_DEFAULTS),
  consumes: VAD_CONSUMES,
  produces: VAD_PRODUCES,
  liveKeys: [...vadLiveKeys],
  latency: vadStopDelay(32, 'Silero windows (bench: turnEndVadMs 328 ms at stopMs 300)'),
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new SileroScorer(), config),
});
