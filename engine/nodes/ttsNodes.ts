import { z } from 'zod';
import { defineProcessorNode } from '../graph/NodeRegistry.ts';
import { EspeakTts } from '../processors/tts/EspeakTts.ts';
import { FliteTts } from '../processors/tts/FliteTts.ts';

const consumes = ['tts.text', 'llm.response.end'];
const produces = ['tts.start', 'tts.text', 'audio.out', 'tts.stop', 'metrics'];

export const fliteTtsNode = defineProcessorNode({
  type: 'tts.flite',
  category: 'tts',
  title: 'Flite TTS (offline)',
  description: 'CMU Flite in-process (WASI, worker threads). Offline, recognisable, light on CPU.',
  config: z.object({
    voice: z.enum(['slt', 'rms', 'awb', 'kal16', 'kal']).default('slt').describe('slt: US female · rms: US male · awb: Scottish male · kal16/kal: US male, robotic'),
    rate: z.number().min(0.5).max(2).default(1).describe('Speaking rate (1 = normal)'),
  }),
  consumes,
  produces,
  liveKeys: ['voice', 'rate'],
  latency: [
    {
      stage: 'tts',
      label: 'TTS first audio',
      typicalMs: 160,
      source: 'bench offline: ttsFirstAudioMs 100–166 ms over three runs on 2 EPYC cores; 160 ms is the median run',
    },
  ],
  create: (config, ctx) => new FliteTts(ctx.nodeId, config),
});

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
  consumes,
  produces,
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
