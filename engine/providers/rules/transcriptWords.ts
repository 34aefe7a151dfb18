/**
 * A transcript as the words the responder reasons about. Recognisers and
 * people add noise that carries no meaning — "um", "please", a stray "i'm"
 * the decoder hears in the breath after the last word — and spell one thing
 * several ways ("what's", "what is"). Removing that first lets every intent
 * rule be written once, for the plain form.
 */

/** Words that carry no request: hesitations and politeness. */
const FILLERS = new Set(['um', 'umm', 'uh', 'uhm', 'er', 'erm', 'hmm', 'mm', 'ah', 'please']);

/**
 * Short words pocketsphinx tends to append at the end of an utterance from
 * breath or noise ("is it raining in london right now i'm"). No request ends
 * with one of them, so a trailing one is dropped (repeatedly).
 */
const TRAILING_JUNK = new Set(['i', "i'm", 'a', 'uh', 'oh', 'ah', 'the', 'and', 'um', 'of', 'an']);

/** Words whose "'s" means "is" ("what's the time"); elsewhere it is a possessive ("london's weather"). */
const IS_CONTRACTIONS = new Set([
  'what',
  'it',
  'that',
  'how',
  'where',
  'who',
  'there',
  'here',
  'when',
]);

/** Lower-case words of `text`, contractions expanded, fillers and trailing recogniser junk removed. */
export function transcriptWords(text: string): string[] {
  const raw = text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 0);
  const words: string[] = [];
  for (const word of raw) {
    if (FILLERS.has(word)) continue;
    if (word.endsWith("'s")) {
      const stem = word.slice(0, -2);
      words.push(stem);
      if (IS_CONTRACTIONS.has(stem)) words.push('is');
      continue;
    }
    if (word === "let's") words.push('let', 'us');
    else words.push(word);
  }
  while (words.length > 1 && TRAILING_JUNK.has(words[words.length - 1])) words.pop();
  return words;
}

/** The words joined with a space before and after, so phrases can be found with `includes(' a b ')`. */
export function padded(words: readonly string[]): string {
  return ` ${words.join(' ')} `;
}

/** Whether `words` contain `phrase` (words separated by single spaces) as whole words. */
export function hasPhrase(words: readonly string[], phrase: string): boolean {
  return padded(words).includes(` ${phrase} `);
}

/** A set of the words in `text` (separated by spaces or line ends): long word lists stay readable. */
export function wordSet(text: string): ReadonlySet<string> {
  return new Set(text.split(/\s+/).filter((word) => word.length > 0));
}
