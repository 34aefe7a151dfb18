import { z } from 'zod';
import type { LatencyTerm } from '../../graph/NodeLatency.ts';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { EnergyScorer } from './EnergyScorer.ts';
import { VadProcessor } from './VadProcessor.ts';

export const vadConfig = (defaults: { confidence: number; minVolume: number }) =>
  z.object({
    confidence: z.number().min(0).max(1).default(defaults.confidence).describe('Speech probability a window needs to count as speech'),
    startSecs: z.number().min(0).max(2).default(0.15).describe('Speech needed before the user counts as speaking (s)'),
    stopSecs: z.number().min(0.05).max(5).default(0.3).describe('Silence needed before the turn ends (s)'),
    pauseSecs: z.number().min(0).max(5).default(0.1).describe('Silence after which a "paused" signal goes out, before stopSecs, for preemptive replies (s); 0: never'),
    minVolume: z.number().min(-100).max(0).default(defaults.minVolume).describe('Windows quieter than this are silence (dBFS)'),
    prePaddingMs: z.number().min(0).max(1000).default(200).describe('Audio before detected speech the recogniser also hears (ms)'),
    muteWhileBotSpeaking: z.boolean().default(false).describe('Ignore the mic while the bot talks (clients without echo cancellation; disables barge-in)'),
  });

export const vadLiveKeys = ['confidence', 'startSecs', 'stopSecs', 'pauseSecs', 'minVolume', 'prePaddingMs', 'muteWhileBotSpeaking'] as const;
export const VAD_CONSUMES = ['audio.in'];
export const VAD_PRODUCES = ['audio.in', 'user.speaking.started', 'user.speaking.paused', 'user.speaking.stopped'];

/**
 * The VAD ends the turn after `stopSecs` of silence, counted in whole analysis
 * windows from the end of the last voiced one — the first hop of every turn.
 */
export const vadStopDelay = (windowMs: number, measured: string): LatencyTerm<'stopSecs'>[] => [
  {
    stage: 'vad',
    label: 'VAD stop delay',
    fromConfig: { key: 'stopSecs', scale: 1000, stepMs: windowMs },
    typicalMs: Math.ceil(300 / windowMs) * windowMs,
    source: `config.stopSecs, in whole ${windowMs} ms ${measured}`,
  },
];

export const energyVadNode = defineProcessorNode({
  type: 'vad.energy',
  category: 'vad',
  title: 'Energy VAD',
  description: 'Loudness-based voice activity detection: no model, fooled by noise. A fallback.',
  config: vadConfig({ confidence: 0.5, minVolume: -50 }),
  consumes: VAD_CONSUMES,
  produces: VAD_PRODUCES,
  liveKeys: [...vadLiveKeys],
  latency: vadStopDelay(20, 'energy windows'),
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new EnergyScorer(), config),
});
