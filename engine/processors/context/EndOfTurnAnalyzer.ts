/**
 * Decides from the words alone whether a user has finished their turn. The
 * VAD only hears silence; a speaker who pauses after "remind me to …" or
 * "and um …" is not done, and answering then cuts them off. A transcript that
 * ends like that earns the user a little more time; anything else ends the
 * turn at once, so clear turns pay nothing for the check.
 */
export interface EndOfTurnVerdict {
  complete: boolean;
  /** Why, for logs and metrics: `question`, `trailing "and"`, … */
  reason: string;
}

/** Swappable (e.g. for a model-based detector); the aggregator only needs this. */
export type EndOfTurnAnalyzer = (transcript: string) => EndOfTurnVerdict;

/**
 * Words after which an English sentence practically never ends: conjunctions,
 * fillers, articles and possessives, and the prepositions that need an object.
 * Prepositions that also close commands ("turn the lights on", "turn it up",
 * "log me in") are left out: a false hold costs the user a pause, but the
 * common short commands must stay instant.
 */
const HOLD_WORDS = new Set([
  // conjunctions
  'and',
  'but',
  'or',
  'nor',
  'so',
  'because',
  'cause',
  'if',
  'when',
  'while',
  'although',
  'though',
  'unless',
  'until',
  'whereas',
  'than',
  // fillers and hesitations
  'um',
  'umm',
  'uh',
  'uhh',
  'uhm',
  'er',
  'erm',
  'hmm',
  'like',
  // articles and possessives
  'the',
  'a',
  'an',
  'my',
  'your',
  'our',
  'their',
  'his',
  // prepositions that practically always take an object
  'to',
  'of',
  'for',
  'with',
  'into',
  'onto',
  'between',
  // a subject with no verb yet
  'i',
  "i'm",
  "i'd",
  "i'll",
  "let's",
]);

/** Multi-word endings that signal more is coming. */
const HOLD_PHRASES = [
  'you know',
  'i mean',
  'kind of',
  'sort of',
  'such as',
  'as well as',
  'and then',
  'what about',
  'i want',
  'i need',
  'can you',
  'could you',
];

/** Endings that look like a hold word but close a sentence ("I think so", "what's the weather like"). */
const COMPLETE_PHRASES = [
  'think so',
  'hope so',
  'guess so',
  'believe so',
  'suppose so',
  'is that so',
  'or so',
  'and so on',
  'weather like',
  'it like',
  'look like',
  'looks like',
  'sound like',
  'sounds like',
];

const TRAILING_OPEN_PUNCTUATION = /(?:,|;|:|-|—|–|\.\.\.|…)$/;

export const transcriptEndOfTurn: EndOfTurnAnalyzer = (transcript) => {
  const text = transcript.trim().toLowerCase();
  if (!text) return { complete: true, reason: 'empty' };
  // STTs with punctuation (Deepgram smart format, Whisper) say it outright.
  if (text.endsWith('?')) return { complete: true, reason: 'question' };
  if (TRAILING_OPEN_PUNCTUATION.test(text))
    return { complete: false, reason: 'trailing punctuation' };
  const words = text
    .replace(/[.!"“”]+$/u, '')
    .split(/\s+/)
    .map((w) => w.replace(/^[^a-z']+|[^a-z']+$/g, ''))
    .filter(Boolean);
  if (words.length === 0) return { complete: true, reason: 'no words' };
  const tail = words.slice(-3).join(' ');
  const endsWith = (phrase: string) => tail === phrase || tail.endsWith(` ${phrase}`);
  const closing = COMPLETE_PHRASES.find(endsWith);
  if (closing) return { complete: true, reason: `ends with "${closing}"` };
  const open = HOLD_PHRASES.find(endsWith);
  if (open) return { complete: false, reason: `trailing "${open}"` };
  const last = words[words.length - 1];
  if (HOLD_WORDS.has(last)) return { complete: false, reason: `trailing "${last}"` };
  return { complete: true, reason: `ends with "${last}"` };
};
