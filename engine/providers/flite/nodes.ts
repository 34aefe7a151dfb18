import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { FliteTts, fliteSettings } from './FliteTts.ts';

export const fliteTtsNode = defineProcessorNode({
  type: 'tts.flite',
  category: 'tts',
  title: 'Flite TTS (offline)',
  description: 'CMU Flite in-process (WASI, worker threads). Offline, recognisable, light on CPU.',
  config: fliteSettings,
  consumes: TTS_CONSUMES,
  produces: TTS_PRODUCES,
  liveKeys: ['voice', 'rate'],
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 160,
      source:
        'bench offline: ttsFirstAudioMs 100–166 ms over three runs on 2 EPYC cores; 160 ms is the median run',
    },
  ],
  create: (config, ctx) => new FliteTts(ctx.nodeId, config),
});
