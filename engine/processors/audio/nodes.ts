import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { LevelNormalizeProcessor, levelNormalizeSettings } from './LevelNormalizeProcessor.ts';

export const levelNormalizeNode = defineProcessorNode({
  type: 'audio.normalize',
  category: 'utility',
  title: 'Level normalisation',
  description:
    'Automatic gain for quiet and loud microphones: brings speech to one level, holds the ' +
    'gain through pauses so the noise between words is not pumped up, and limits peaks.',
  config: levelNormalizeSettings,
  consumes: ['audio.in'],
  produces: ['audio.in'],
  liveKeys: ['enabled', 'targetDbfs', 'maxGainDb', 'maxCutDb', 'gateDbfs', 'ceilingDbfs'],
  // Sample by sample, no look-ahead: the audio is not delayed.
  latency: [],
  create: (config, ctx) => new LevelNormalizeProcessor(ctx.nodeId, config),
});
