/**
 * The `bias` option of stt.pocketsphinx: which phrases the recogniser should
 * expect, and how hard. Turned into a language model once per distinct
 * option (every session of a graph shares it), and handed to the decoder,
 * which mixes it with its general model.
 */
import { z } from 'zod';
import { responderPhrases } from '../rules/vocabulary.ts';
import { buildBiasArpa, MAX_BIAS_PHRASES } from './biasLanguageModel.ts';
import type { LanguageModelBias } from './PocketsphinxRecognizer.ts';

/**
 * From measureBias.ts (table in README.md): at 0.5 the responder's requests
 * lost a third of their WER (33.6% → 21.0% clean, 72.3% → 55.5% in 20 dB
 * noise) and other speech did not suffer (50.0% → 42.9%); at 0.9 it did (56.0%).
 */
export const DEFAULT_BIAS_WEIGHT = 0.5;

export const vocabularyBiasSchema = z
  .object({
    phrases: z
      .union([
        z.literal('responder'),
        z
          .array(z.string().trim().min(1).max(200))
          .min(1)
          .max(MAX_BIAS_PHRASES)
          .describe('Sentences the agent expects to hear, e.g. "what is the weather in paris".'),
      ])
      .describe(
        "'responder' for what the rule-based responder understands (its intents and known places), or your own list of sentences.",
      ),
    weight: z
      .number()
      .gt(0)
      .lt(1)
      .default(DEFAULT_BIAS_WEIGHT)
      .describe(
        'Share of the phrase model in the interpolated language model (0..1, exclusive). Higher hears the phrases more readily; the general model keeps the rest, so other speech is still recognised.',
      ),
  })
  .describe(
    'Bias recognition toward what this agent can do: a small language model built from these phrases is mixed into the general English one.',
  );

export type VocabularyBias = z.output<typeof vocabularyBiasSchema>;

const arpaCache = new Map<string, string>();
const MAX_CACHED_MODELS = 16;

function phrasesOf(bias: VocabularyBias): readonly string[] {
  return bias.phrases === 'responder' ? responderPhrases() : bias.phrases;
}

/** The language model for `bias`; built once per distinct phrase list. */
export function languageModelBias(bias: VocabularyBias): LanguageModelBias {
  const phrases = phrasesOf(bias);
  const key = phrases.join('\n');
  let arpa = arpaCache.get(key);
  if (arpa === undefined) {
    arpa = buildBiasArpa(phrases);
    if (arpaCache.size >= MAX_CACHED_MODELS) arpaCache.delete(arpaCache.keys().next().value!);
    arpaCache.set(key, arpa);
  }
  return { arpa, weight: bias.weight };
}
