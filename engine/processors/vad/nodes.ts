import type { LatencyTerm } from '../../graph/NodeLatency.ts';
import { defineProcessorNode } from '../../graph/NodeRegistry.ts';
import { ENERGY_SCORER_DEFAULTS, EnergyScorer } from './EnergyScorer.ts';
import { VadProcessor, vadSettings } from './VadProcessor.ts';

export const vadLiveKeys = [
  'confidence',
  'startMs',
  'stopMs',
  'pauseMs',
  'minVolume',
  'prePaddingMs',
  'muteWhileBotSpeaking',
] as const;
export const VAD_CONSUMES = ['audio.in'];
export const VAD_PRODUCES = [
  'audio.in',
  'user.speaking.started',
  'user.speaking.paused',
  'user.speaking.stopped',
];

/**
 * The VAD ends the turn after `stopMs` of silence, counted in whole analysis
 * windows from the end of the last voiced one — the first hop of every turn.
 */
export const vadStopDelay = (windowMs: number, measured: string): LatencyTerm<'stopMs'>[] => [
  {
    stage: 'vad',
    label: 'VAD stop delay',
    fromConfig: { key: 'stopMs', stepMs: windowMs },
    typicalMs: Math.ceil(300 / windowMs) * windowMs,
    source: `config.stopMs, in whole ${windowMs} ms ${measured}`,
  },
];

export const energyVadNode = defineProcessorNode({
  type: 'vad.energy',
  category: 'vad',
  title: 'Energy VAD',
  description: 'Loudness-based voice activity detection: no model, fooled by noise. A fallback.',
  config: vadSettings(ENERGY_SCORER_DEFAULTS),
  consumes: VAD_CONSUMES,
  produces: VAD_PRODUCES,
  liveKeys: [...vadLiveKeys],
  latency: vadStopDelay(20, 'energy windows'),
  create: (config, ctx) => new VadProcessor(ctx.nodeId, new EnergyScorer(), config),
});
