import { z } from 'zod';
import { defineProcessorNode } from '../graph/NodeRegistry.ts';
import { EnergyScorer } from '../processors/vad/EnergyScorer.ts';
import { SileroScorer } from '../processors/vad/SileroScorer.ts';
import { VadProcessor } from '../processors/vad/VadProcessor.ts';

const vadConfig = (defaults: { confidence: number; minVolume: number }) =>
  z.object({
    confidence: z.number().min(0).max(1).default(defaults.confidence).describe('Speech probability a window needs to count as speech'),
    startSecs: z.number().min(0).max(2).default(0.15).describe('Speech needed before the user counts as speaking (s)'),
    stopSecs: z.number().min(0.05).max(5).default(0.3).describe('Silence needed before the turn ends (s)'),
    minVolume: z.number().min(-100).max(0).default(defaults.minVolume).describe('Windows quieter than this are silence (dBFS)'),
    prePaddingMs: z.number().min(0).max(1000).default(200).describe('Audio before detected speech the recogniser also hears (ms)'),
    muteWhileBotSpeaking: z.boolean().default(false).describe('Ignore the mic while the bot talks (clients without echo cancellation; disables barge-in)'),
  });

const liveKeys = ['confidence', 'startSecs', 'stopSecs', 'minVolume', 'prePaddingMs', 'muteWhileBotSpeaking'] as const;
const consumes = ['audio.in'];
const produces = ['audio.in', 'user.speaking.started', 'user.speaking.stopped'];

export const sileroVadNode = defineProcessorNode({
  type: 'vad.silero',
  category: 'vad',
  title: 'Silero VAD',
  description: 'Neural voice activity detection (Silero v5, ONNX on CPU, MIT). 32 ms windows at 16 kHz.',
  config: vadConfig({ confidence: 0.6, minVolume: -55 }),
  consumes,
  produces,
  liveKeys: [...liveKeys],
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new SileroScorer(), config),
});

export const energyVadNode = defineProcessorNode({
  type: 'vad.energy',
  category: 'vad',
  title: 'Energy VAD',
  description: 'Loudness-based voice activity detection: no model, fooled by noise. A fallback.',
  config: vadConfig({ confidence: 0.5, minVolume: -50 }),
  consumes,
  produces,
  liveKeys: [...liveKeys],
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new EnergyScorer(), config),
});
