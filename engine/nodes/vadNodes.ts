import { z } from 'zod';
import type { LatencyTerm } from '../graph/NodeLatency.ts';
import { defineProcessorNode } from '../graph/NodeRegistry.ts';
import { EnergyScorer } from '../processors/vad/EnergyScorer.ts';
import { SileroScorer } from '../processors/vad/SileroScorer.ts';
import { VadProcessor } from '../processors/vad/VadProcessor.ts';

const vadConfig = (defaults: { confidence: number; minVolume: number }) =>
  z.object({
    confidence: z.number().min(0).max(1).default(defaults.confidence).describe('Speech probability a window needs to count as speech'),
    startSecs: z.number().min(0).max(2).default(0.15).describe('Speech needed before the user counts as speaking (s)'),
    stopSecs: z.number().min(0.05).max(5).default(0.3).describe('Silence needed before the turn ends (s)'),
    pauseSecs: z.number().min(0).max(5).default(0.1).describe('Silence after which a "paused" signal goes out, before stopSecs, for preemptive replies (s); 0: never'),
    minVolume: z.number().min(-100).max(0).default(defaults.minVolume).describe('Windows quieter than this are silence (dBFS)'),
    prePaddingMs: z.number().min(0).max(1000).default(200).describe('Audio before detected speech the recogniser also hears (ms)'),
    muteWhileBotSpeaking: z.boolean().default(false).describe('Ignore the mic while the bot talks (clients without echo cancellation; disables barge-in)'),
  });

const liveKeys = ['confidence', 'startSecs', 'stopSecs', 'pauseSecs', 'minVolume', 'prePaddingMs', 'muteWhileBotSpeaking'] as const;
const consumes = ['audio.in'];
const produces = ['audio.in', 'user.speaking.started', 'user.speaking.paused', 'user.speaking.stopped'];

/**
 * The VAD ends the turn after `stopSecs` of silence, counted in whole analysis
 * windows from the end of the last voiced one — the first hop of every turn.
 */
const vadStopDelay = (windowMs: number, measured: string): LatencyTerm<'stopSecs'>[] => [
  {
    stage: 'vad',
    label: 'VAD stop delay',
    fromConfig: { key: 'stopSecs', scale: 1000, stepMs: windowMs },
    typicalMs: Math.ceil(300 / windowMs) * windowMs,
    source: `config.stopSecs, in whole ${windowMs} ms ${measured}`,
  },
];

export const sileroVadNode = defineProcessorNode({
  type: 'vad.silero',
  category: 'vad',
  title: 'Silero VAD',
  description: 'Neural voice activity detection (Silero v5, ONNX on CPU, MIT). 32 ms windows at 16 kHz.',
  config: vadConfig({ confidence: 0.6, minVolume: -55 }),
  consumes,
  produces,
  liveKeys: [...liveKeys],
  latency: vadStopDelay(32, 'Silero windows (bench: turnEndVadMs 328 ms at stopSecs 0.3)'),
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
  latency: vadStopDelay(20, 'energy windows'),
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new EnergyScorer(), config),
});
