import { z } from 'zod';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { TTS_CONSUMES, TTS_PRODUCES } from '../../services/tts/TtsProcessor.ts';
import { EspeakTts } from './EspeakTts.ts';

export const espeakTtsNode = defineProcessorNode({
  type: 'tts.espeak',
  category: 'tts',
  title: 'eSpeak NG TTS (offline)',
  description: 'espeak-ng as a subprocess (Debian package). Fastest first audio and many voices incl. British English; robotic.',
  config: z.object({
    voice: z.string().regex(/^[a-z]{2,3}(-[a-z0-9-]+)?(\+[a-z0-9]+)?$/i, 'must be an espeak-ng voice such as en-gb, en-us or en-gb+m3').default('en-gb'),
    wordsPerMinute: z.number().int().min(80).max(400).default(165),
    pitch: z.number().int().min(0).max(99).default(45),
  }),
  consumes: TTS_CONSUMES,
  produces: TTS_PRODUCES,
  liveKeys: ['voice', 'wordsPerMinute', 'pitch'],
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 60,
      source: 'espeak-ng renders a whole sentence before it plays: 30–90 ms for a 9-word sentence (time espeak-ng --stdout on 2 EPYC cores; not yet a bench figure)',
    },
  ],
  create: (config, ctx) => new EspeakTts(ctx.nodeId, config),
});
