/**
 * Word error rate for judging speech recognisers against reference
 * transcripts. Normalisation is deliberately simple and symmetric (applied to
 * both sides) so that spelling choices such as "what's" vs "what is" or
 * "Tokyo." vs "tokyo" are not counted as recognition errors.
 */

/** Contractions expanded before comparison; recognisers disagree on which form to emit. */
const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\bi'm\b/g, 'i am'],
  [/\blet's\b/g, 'let us'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\b(\w+)'ll\b/g, '$1 will'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'d\b/g, '$1 would'],
  // "'s" is ambiguous (is / has / possessive); only the pronoun-like words a
  // voice agent hears are expanded, possessives are left alone.
  [/\b(what|that|it|he|she|there|here|where|who|how)'s\b/g, '$1 is'],
];

/** Lower-cases, unifies apostrophes, expands contractions and strips punctuation. */
export function normalizeTranscript(text: string): string[] {
  let s = text.toLowerCase().replace(/[\u2018\u2019`]/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) s = s.replace(pattern, replacement);
  // Hyphens separate words ("twenty-one"); other punctuation just disappears.
  s = s
    .replace(/-/g, ' ')
    .replace(/[^\p{L}\p{N}'\s]/gu, '')
    .replace(/'/g, '');
  return s.split(/\s+/).filter((w) => w.length > 0);
}

export interface WordErrors {
  /** Substitutions + deletions + insertions (word-level Levenshtein distance). */
  errors: number;
  /** Number of words in the normalised reference. */
  referenceWords: number;
}

/** Edit distance between normalised word sequences; sum these over a set for a corpus WER. */
export function countWordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = normalizeTranscript(reference);
  const hyp = normalizeTranscript(hypothesis);
  // One row of the DP table at a time: O(|hyp|) memory.
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const current = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const substitution = previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    previous = current;
  }
  return { errors: previous[hyp.length], referenceWords: ref.length };
}

/**
 * WER of one hypothesis: errors / reference words. An empty reference gives 0
 * for an empty hypothesis and 1 otherwise, so the result is always finite.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const { errors, referenceWords } = countWordErrors(reference, hypothesis);
  if (referenceWords === 0) return errors === 0 ? 0 : 1;
  return errors / referenceWords;
}

/** Corpus WER: total errors over total reference words (not the mean of per-utterance WERs). */
export function corpusWordErrorRate(
  pairs: ReadonlyArray<{ reference: string; hypothesis: string }>,
): number {
  let errors = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const counted = countWordErrors(reference, hypothesis);
    errors += counted.errors;
    words += counted.referenceWords;
  }
  return words === 0 ? 0 : errors / words;
}
