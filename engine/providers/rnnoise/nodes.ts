import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { RnnoiseProcessor, rnnoiseSettings } from './RnnoiseProcessor.ts';

export const rnnoiseDenoiseNode = defineProcessorNode({
  type: 'audio.denoise',
  category: 'utility',
  title: 'Noise suppression (RNNoise)',
  description:
    'Removes steady background noise from the microphone before VAD and STT (RNNoise, ' +
    'WebAssembly, BSD-3-Clause). Delays the audio by 22.5 ms at 16 kHz.',
  config: rnnoiseSettings,
  consumes: ['audio.in'],
  produces: ['audio.in'],
  liveKeys: ['enabled', 'attenuationLimitDb'],
  latency: [
    {
      stage: 'vad',
      label: 'Noise suppression delay',
      typicalMs: 22.5,
      when: { enabled: true },
      source:
        'RNNoise lags one 10 ms frame, 48 kHz framing holds up to 10 ms more, the resamplers ' +
        '2.5 ms (measured at 16 kHz: RnnoiseDenoiser.latencySamples 360, confirmed by ' +
        'cross-correlation in test/providers/rnnoise)',
    },
  ],
  create: (config, ctx) => new RnnoiseProcessor(ctx.nodeId, config),
});
