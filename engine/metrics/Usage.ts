/**
 * What the models, voices and recognisers of a turn consumed, per node: the
 * units their providers bill. Collected from `*.usage` metrics (see
 * `addUsageMetric`). Browser-safe: the editor sums and prices turn records too.
 */
import type { Metric } from '../core/frames.ts';

export interface NodeUsage {
  inputTextTokens?: number;
  outputTextTokens?: number;
  inputAudioTokens?: number;
  outputAudioTokens?: number;
  /** Input tokens read from the provider's prompt cache (part of the input tokens). */
  cachedTokens?: number;
  /** Input tokens written to the prompt cache (Anthropic bills them apart). */
  cacheWriteTokens?: number;
  /** Characters a TTS node spoke. */
  ttsCharacters?: number;
  /** Seconds of audio an STT node was sent. */
  sttAudioSeconds?: number;
  /** Some figure was estimated: the provider reported none. */
  estimated?: true;
  /** What it cost at the session's prices (USD); absent when the node has no price. */
  costUsd?: number;
}

/** A turn's usage by node id. */
export type TurnUsage = Record<string, NodeUsage>;

export type UsageCounter = Exclude<keyof NodeUsage, 'estimated' | 'costUsd'>;

export const USAGE_COUNTERS: readonly UsageCounter[] = [
  'inputTextTokens',
  'outputTextTokens',
  'inputAudioTokens',
  'outputAudioTokens',
  'cachedTokens',
  'cacheWriteTokens',
  'ttsCharacters',
  'sttAudioSeconds',
];

/**
 * Estimates where a provider reports nothing. Text: OpenAI's rule of thumb of
 * about four characters of English per token
 * (https://help.openai.com/en/articles/4936856). Audio: OpenAI's Realtime
 * docs count one token per 100 ms of user audio and one per 50 ms of bot
 * audio; Gemini counts 32 tokens per second of audio
 * (https://ai.google.dev/gemini-api/docs/audio). The estimate uses OpenAI's.
 */
export const CHARS_PER_TOKEN = 4;
export const INPUT_AUDIO_TOKENS_PER_SECOND = 10;
export const OUTPUT_AUDIO_TOKENS_PER_SECOND = 20;

export function estimateTextTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Metric names that carry usage; `llm.usage` is the older name of the LLM's. */
const USAGE_METRICS = new Set(['llm.usage', 's2s.usage', 'tts.usage', 'stt.usage']);

export function isUsageMetric(metric: Metric): boolean {
  return USAGE_METRICS.has(metric.name);
}

/** Adds one usage metric to `usage` under its source node; other metrics are ignored. */
export function addUsageMetric(usage: TurnUsage, metric: Metric): void {
  if (!isUsageMetric(metric)) return;
  usage[metric.source] ??= {};
  const node = usage[metric.source]!;
  const d = metric.detail ?? {};
  const num = (key: string): number => (typeof d[key] === 'number' ? (d[key] as number) : 0);
  const add = (counter: UsageCounter, value: number) => {
    if (value > 0) node[counter] = round((node[counter] ?? 0) + value);
  };
  if (d.estimated) node.estimated = true;
  switch (metric.name) {
    case 'tts.usage':
      add('ttsCharacters', metric.value);
      return;
    case 'stt.usage':
      add('sttAudioSeconds', metric.value);
      return;
    default:
      // An LLM reports prompt/completion; a speech-to-speech node splits them by modality.
      add('inputTextTokens', 'inputTextTokens' in d ? num('inputTextTokens') : num('promptTokens'));
      add(
        'outputTextTokens',
        'outputTextTokens' in d ? num('outputTextTokens') : num('completionTokens'),
      );
      add('inputAudioTokens', num('inputAudioTokens'));
      add('outputAudioTokens', num('outputAudioTokens'));
      add('cachedTokens', num('cachedTokens') + num('cacheReadTokens'));
      add('cacheWriteTokens', num('cacheWriteTokens'));
  }
}

/** Sums usage (e.g. a session's turns), node by node. */
export function sumUsage(usages: readonly (TurnUsage | undefined)[]): TurnUsage {
  const total: TurnUsage = {};
  for (const usage of usages) {
    for (const [id, u] of Object.entries(usage ?? {})) {
      total[id] ??= {};
      const node = total[id]!;
      for (const counter of USAGE_COUNTERS) {
        const value = u[counter];
        if (value) node[counter] = round((node[counter] ?? 0) + value);
      }
      if (u.estimated) node.estimated = true;
      if (u.costUsd !== undefined) node.costUsd = (node.costUsd ?? 0) + u.costUsd;
    }
  }
  return total;
}

/** Tokens of every model node added up, for a one-line summary. */
export function totalTokens(usage: TurnUsage | undefined): number {
  let total = 0;
  for (const u of Object.values(usage ?? {})) {
    total += (u.inputTextTokens ?? 0) + (u.outputTextTokens ?? 0);
    total += (u.inputAudioTokens ?? 0) + (u.outputAudioTokens ?? 0);
  }
  return total;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
