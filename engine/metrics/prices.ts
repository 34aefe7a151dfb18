/**
 * What a node's usage costs: default list prices per node type (for the
 * model each node type uses by default), overridable per graph through the
 * document's `prices` key, by node id or node type. Browser-safe.
 *
 * The defaults are the providers' public pay-as-you-go list prices as the
 * author knew them (2025); providers change them, so each entry says where
 * it came from, and `uncertain` marks the ones to check before trusting a
 * bill. A different model on a node (config `model`) needs an override.
 */
import { z } from 'zod';
import type { NodeUsage, TurnUsage } from './Usage.ts';

export const unitPricesSchema = z
  .object({
    /** USD per 1M tokens. */
    inputTextPerMTokens: z.number().min(0),
    outputTextPerMTokens: z.number().min(0),
    cachedPerMTokens: z.number().min(0),
    cacheWritePerMTokens: z.number().min(0),
    inputAudioPerMTokens: z.number().min(0),
    outputAudioPerMTokens: z.number().min(0),
    /** USD per 1M characters spoken. */
    ttsPerMCharacters: z.number().min(0),
    /** USD per minute of audio recognised. */
    sttPerMinute: z.number().min(0),
  })
  .partial();

export type UnitPrices = z.output<typeof unitPricesSchema>;

export interface PriceEntry extends UnitPrices {
  model: string;
  /** "list price as of <month year>, <url>" */
  source: string;
  /** Not checked against the provider's page when written: verify before relying on it. */
  uncertain?: true;
}

const OPENAI = 'https://openai.com/api/pricing';

/** By node type. Local engines cost nothing (their hardware is not counted). */
export const DEFAULT_PRICES: Readonly<Record<string, PriceEntry>> = {
  'llm.openai': {
    model: 'gpt-4o-mini',
    inputTextPerMTokens: 0.15,
    cachedPerMTokens: 0.075,
    outputTextPerMTokens: 0.6,
    source: `list price as of July 2024, ${OPENAI}`,
  },
  'llm.anthropic': {
    model: 'claude-haiku-4-5',
    inputTextPerMTokens: 1,
    cachedPerMTokens: 0.1,
    cacheWritePerMTokens: 1.25,
    outputTextPerMTokens: 5,
    source: 'list price as of October 2025, https://www.anthropic.com/pricing',
  },
  's2s.openai-realtime': {
    model: 'gpt-realtime',
    inputTextPerMTokens: 4,
    cachedPerMTokens: 0.4,
    outputTextPerMTokens: 16,
    inputAudioPerMTokens: 32,
    outputAudioPerMTokens: 64,
    // Its input transcription (gpt-4o-mini-transcribe) is billed apart and not counted here.
    source: `list price as of August 2025, ${OPENAI}`,
  },
  's2s.gemini-live': {
    model: 'gemini-2.5-flash-native-audio',
    inputTextPerMTokens: 0.5,
    outputTextPerMTokens: 2,
    inputAudioPerMTokens: 3,
    outputAudioPerMTokens: 12,
    source: 'list price as of September 2025, https://ai.google.dev/gemini-api/docs/pricing',
    uncertain: true,
  },
  'stt.openai': {
    model: 'gpt-4o-mini-transcribe',
    sttPerMinute: 0.003,
    source: `list price as of March 2025, ${OPENAI}`,
  },
  'stt.deepgram': {
    model: 'nova-3 (streaming)',
    sttPerMinute: 0.0077,
    source: 'list price as of 2025, https://deepgram.com/pricing',
    uncertain: true,
  },
  'tts.openai': {
    // gpt-4o-mini-tts (the default) bills tokens (about $0.015 a minute); tts-1's per-character price stands in.
    model: 'tts-1',
    ttsPerMCharacters: 15,
    source: `list price as of 2024, ${OPENAI}`,
    uncertain: true,
  },
  'tts.deepgram': {
    model: 'aura-2',
    ttsPerMCharacters: 30,
    source: 'list price as of 2025, https://deepgram.com/pricing',
    uncertain: true,
  },
  'llm.rules': { model: 'local', source: 'runs locally' },
  'stt.pocketsphinx': { model: 'local', source: 'runs locally' },
  'tts.espeak': { model: 'local', source: 'runs locally' },
  'tts.flite': { model: 'local', source: 'runs locally' },
};

/** Per node id or node type; a node id wins. Merged over the defaults, key by key. */
export type PriceOverrides = Record<string, UnitPrices>;

/** The prices for node `id` of type `type`, or undefined when nothing prices it. */
export function pricesFor(
  id: string,
  type: string | undefined,
  overrides: PriceOverrides = {},
): UnitPrices | undefined {
  const base = type === undefined ? undefined : DEFAULT_PRICES[type];
  const byType = type === undefined ? undefined : overrides[type];
  const byId = overrides[id];
  if (!base && !byType && !byId) return undefined;
  return { ...base, ...byType, ...byId };
}

/** USD for one node's usage. Cached and cache-write tokens are part of the input tokens. */
export function costOf(usage: NodeUsage, prices: UnitPrices): number {
  const perM = (count = 0, price = 0) => (count * price) / 1e6;
  const cached = usage.cachedTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const freshText = Math.max(0, (usage.inputTextTokens ?? 0) - cached - written);
  return (
    perM(freshText, prices.inputTextPerMTokens) +
    perM(cached, prices.cachedPerMTokens ?? prices.inputTextPerMTokens) +
    perM(written, prices.cacheWritePerMTokens ?? prices.inputTextPerMTokens) +
    perM(usage.outputTextTokens, prices.outputTextPerMTokens) +
    perM(usage.inputAudioTokens, prices.inputAudioPerMTokens) +
    perM(usage.outputAudioTokens, prices.outputAudioPerMTokens) +
    perM(usage.ttsCharacters, prices.ttsPerMCharacters) +
    ((usage.sttAudioSeconds ?? 0) / 60) * (prices.sttPerMinute ?? 0)
  );
}

/** Looks up a node's prices by id; undefined when the node is not priced. */
export type PriceLookup = (nodeId: string) => UnitPrices | undefined;

/** Sets each node's `costUsd` and returns the total (USD); unpriced nodes add nothing. */
export function priceUsage(usage: TurnUsage, lookup: PriceLookup): number {
  let total = 0;
  for (const [id, u] of Object.entries(usage)) {
    const prices = lookup(id);
    if (!prices) continue;
    u.costUsd = costOf(u, prices);
    total += u.costUsd;
  }
  return total;
}
