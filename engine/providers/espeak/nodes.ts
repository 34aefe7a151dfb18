import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { EspeakTts, espeakSettings } from './EspeakTts.ts';

export const espeakTtsNode = defineProcessorNode({
  type: 'tts.espeak',
  category: 'tts',
  title: 'eSpeak NG TTS (offline)',
  description:
    'espeak-ng as a subprocess (Debian package). Fastest first audio and many voices incl. British English; robotic.',
  config: espeakSettings,
  consumes: TTS_CONSUMES,
  produces: TTS_PRODUCES,
  liveKeys: ['voice', 'wordsPerMinute', 'pitch'],
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 60,
      source:
        'espeak-ng renders a whole sentence before it plays: 30–90 ms for a 9-word sentence (time espeak-ng --stdout on 2 EPYC cores; not yet a bench figure)',
    },
  ],
  create: (config, ctx) => new EspeakTts(ctx.nodeId, config),
});
