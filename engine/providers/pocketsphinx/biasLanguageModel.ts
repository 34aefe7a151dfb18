/**
 * A small trigram language model, as ARPA text, built from the phrases an
 * agent expects to hear ("what's the weather in tokyo", "tell me a joke").
 * The decoder interpolates it with its general model (see the 'L' command of
 * pocketsphinx-helper.c), so these phrases become likelier without making
 * anything else impossible.
 *
 * Smoothing is interpolated absolute discounting: every seen n-gram gives up
 * DISCOUNT of its count to its history's backoff, which spreads it over the
 * next lower order. Written in backoff form (what ARPA stores), with the
 * lower order folded into the seen n-grams' probabilities, each history's
 * distribution sums to exactly one, and no count-of-counts statistics are
 * needed — there are far too few phrases for Kneser-Ney's estimates to mean
 * anything.
 */
import { MAX_BIAS_ARPA_BYTES } from './PocketsphinxProtocol.ts';

export const MAX_BIAS_PHRASES = 5000;
export const MAX_BIAS_PHRASE_WORDS = 40;

const DISCOUNT = 0.5;
const BEGIN = '<s>';
const END = '</s>';
/** ARPA's "log10 of zero", the conventional probability of <s>. */
const LOG_ZERO = -99;

export class BiasPhraseError extends Error {
  override name = 'BiasPhraseError';
}

/**
 * Lower-case words as the en-us dictionary spells them: letters and
 * apostrophes ("what's"). Anything else separates words; digits are dropped
 * because the dictionary spells numbers out ("ten", not "10").
 */
export function phraseWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .split(/[^a-z']+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 0);
}

type Counts = Map<string, number>;

function bump(counts: Counts, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Count of each history and how many distinct words followed it. */
function historyTotals(counts: Counts): Map<string, { total: number; types: number }> {
  const totals = new Map<string, { total: number; types: number }>();
  for (const [ngram, count] of counts) {
    const history = ngram.slice(0, ngram.lastIndexOf(' '));
    const entry = totals.get(history) ?? { total: 0, types: 0 };
    entry.total += count;
    entry.types += 1;
    totals.set(history, entry);
  }
  return totals;
}

const log10 = (p: number): string => (p > 0 ? Math.log10(p) : LOG_ZERO).toFixed(6);

/** One ARPA entry; the highest order and histories nothing follows carry no backoff. */
function arpaLine(probability: number, ngram: string, backoff?: number): string {
  return backoff === undefined
    ? `${log10(probability)}\t${ngram}`
    : `${log10(probability)}\t${ngram}\t${log10(backoff)}`;
}

/**
 * ARPA text of a trigram model of `phrases`. Throws BiasPhraseError naming
 * the phrase (by index) that is empty or too long, or when there are too many.
 */
export function buildBiasArpa(phrases: readonly string[]): string {
  if (phrases.length === 0) throw new BiasPhraseError('bias phrases: the list is empty');
  if (phrases.length > MAX_BIAS_PHRASES) {
    throw new BiasPhraseError(
      `bias phrases: ${phrases.length} phrases, at most ${MAX_BIAS_PHRASES} are allowed`,
    );
  }
  const unigrams: Counts = new Map();
  const bigrams: Counts = new Map();
  const trigrams: Counts = new Map();
  phrases.forEach((phrase, index) => {
    const words = phraseWords(phrase);
    if (words.length === 0)
      throw new BiasPhraseError(`bias phrases[${index}]: "${phrase}" has no words`);
    if (words.length > MAX_BIAS_PHRASE_WORDS) {
      throw new BiasPhraseError(
        `bias phrases[${index}]: ${words.length} words, at most ${MAX_BIAS_PHRASE_WORDS} are allowed`,
      );
    }
    const tokens = [BEGIN, ...words, END];
    tokens.forEach((token, i) => {
      if (i > 0) bump(unigrams, token); // <s> is a context, never predicted
      if (i > 0) bump(bigrams, `${tokens[i - 1]} ${token}`);
      if (i > 1) bump(trigrams, `${tokens[i - 2]} ${tokens[i - 1]} ${token}`);
    });
  });

  const totalWords = [...unigrams.values()].reduce((sum, count) => sum + count, 0);
  const unigramProb = (word: string): number => (unigrams.get(word) ?? 0) / totalWords;
  const bigramHistories = historyTotals(bigrams);
  const trigramHistories = historyTotals(trigrams);
  // The mass a history gives up to the lower order: DISCOUNT per distinct follower.
  const backoff = (history: { total: number; types: number } | undefined): number =>
    history ? (DISCOUNT * history.types) / history.total : 1;
  const bigramProb = (history: string, word: string): number => {
    const seen = bigramHistories.get(history);
    const count = bigrams.get(`${history} ${word}`) ?? 0;
    const own = seen && count > 0 ? (count - DISCOUNT) / seen.total : 0;
    return own + backoff(seen) * unigramProb(word);
  };

  const lines = [
    '\\data\\',
    `ngram 1=${unigrams.size + 1}`,
    `ngram 2=${bigrams.size}`,
    `ngram 3=${trigrams.size}`,
    '',
    '\\1-grams:',
    arpaLine(0, BEGIN, backoff(bigramHistories.get(BEGIN))),
  ];
  for (const word of [...unigrams.keys()].sort()) {
    const history = bigramHistories.get(word);
    lines.push(arpaLine(unigramProb(word), word, history && backoff(history)));
  }
  lines.push('', '\\2-grams:');
  for (const bigram of [...bigrams.keys()].sort()) {
    const [history, word] = bigram.split(' ');
    const followers = trigramHistories.get(bigram);
    lines.push(arpaLine(bigramProb(history, word), bigram, followers && backoff(followers)));
  }
  lines.push('', '\\3-grams:');
  for (const trigram of [...trigrams.keys()].sort()) {
    const [first, second, word] = trigram.split(' ');
    const history = trigramHistories.get(`${first} ${second}`)!;
    const own = ((trigrams.get(trigram) ?? 0) - DISCOUNT) / history.total;
    lines.push(arpaLine(own + backoff(history) * bigramProb(second, word), trigram));
  }
  lines.push('', '\\end\\', '');
  const arpa = lines.join('\n');
  const bytes = Buffer.byteLength(arpa);
  if (bytes > MAX_BIAS_ARPA_BYTES) {
    throw new BiasPhraseError(
      `bias phrases: the language model is ${bytes} bytes, at most ${MAX_BIAS_ARPA_BYTES} are allowed; use fewer phrases`,
    );
  }
  return arpa;
}
