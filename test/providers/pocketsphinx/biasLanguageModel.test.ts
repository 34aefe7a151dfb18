import { describe, expect, it } from 'vitest';
import {
  BiasPhraseError,
  buildBiasArpa,
  MAX_BIAS_PHRASES,
  phraseWords,
} from '../../../engine/providers/pocketsphinx/biasLanguageModel.ts';

interface Entry {
  logProb: number;
  logBackoff: number;
}

/** A minimal ARPA reader, independent of the writer: n-gram -> entry, and the header's counts. */
function parseArpa(text: string): { counts: number[]; grams: Map<string, Entry> } {
  const counts: number[] = [];
  const grams = new Map<string, Entry>();
  let order = 0;
  for (const line of text.split('\n')) {
    const header = /^ngram (\d)=(\d+)$/.exec(line);
    if (header) counts[Number(header[1]) - 1] = Number(header[2]);
    const section = /^\\(\d)-grams:$/.exec(line);
    if (section) order = Number(section[1]);
    else if (order > 0 && line.trim() && !line.startsWith('\\')) {
      const fields = line.split('\t');
      expect(fields.length === 2 || fields.length === 3).toBe(true);
      expect(fields[1].split(' ')).toHaveLength(order);
      grams.set(fields[1], {
        logProb: Number(fields[0]),
        logBackoff: fields[2] === undefined ? 0 : Number(fields[2]),
      });
    }
  }
  return { counts, grams };
}

/** P(word | history) the way a decoder reads an ARPA model: seen n-gram, or backoff. */
function probability(grams: Map<string, Entry>, history: string[], word: string): number {
  const seen = grams.get([...history, word].join(' '));
  if (seen) return 10 ** seen.logProb;
  if (history.length === 0) return 0;
  const backoff = grams.get(history.join(' '))?.logBackoff ?? 0;
  return 10 ** backoff * probability(grams, history.slice(1), word);
}

const PHRASES = [
  'what is the weather in tokyo',
  'what is the weather in new york',
  'what time is it in tokyo',
  "what's the weather like",
  'tell me a joke',
  'tell me another joke',
];

describe('buildBiasArpa', () => {
  it('writes a model whose header counts match its sections', () => {
    const { counts, grams } = parseArpa(buildBiasArpa(PHRASES));
    const byOrder = [1, 2, 3].map(
      (n) => [...grams.keys()].filter((k) => k.split(' ').length === n).length,
    );
    expect(counts).toEqual(byOrder);
    expect(grams.get('<s> what is')).toBeDefined();
    expect(grams.get("what's")).toBeDefined();
  });

  it('gives every history a distribution that sums to one (with backoff)', () => {
    const { grams } = parseArpa(buildBiasArpa(PHRASES));
    const vocabulary = [...grams.keys()].filter((k) => !k.includes(' ') && k !== '<s>');
    const histories = [
      [],
      ['<s>'],
      ['the'],
      ['tokyo'],
      ['<s>', 'what'],
      ['weather', 'in'],
      ['me', 'a'],
      ['is', 'it'],
    ];
    for (const history of histories) {
      const total = vocabulary.reduce((sum, word) => sum + probability(grams, history, word), 0);
      expect(total, `history "${history.join(' ')}"`).toBeCloseTo(1, 4);
    }
  });

  it('makes a seen continuation likelier than an unseen one', () => {
    const { grams } = parseArpa(buildBiasArpa(PHRASES));
    expect(probability(grams, ['weather', 'in'], 'tokyo')).toBeGreaterThan(
      probability(grams, ['weather', 'in'], 'joke'),
    );
    expect(probability(grams, ['me', 'a'], 'joke')).toBeGreaterThan(0.5);
  });

  it('reads words the way the dictionary spells them', () => {
    expect(phraseWords("  What's the Weather, in NEW-York?  ")).toEqual([
      "what's",
      'the',
      'weather',
      'in',
      'new',
      'york',
    ]);
    expect(phraseWords('set 10 timers')).toEqual(['set', 'timers']);
  });

  it('names the phrase or the limit that makes the input unusable', () => {
    expect(() => buildBiasArpa([])).toThrow(BiasPhraseError);
    expect(() => buildBiasArpa(['hello', ' 42 ?'])).toThrow(
      /bias phrases\[1\]: " 42 \?" has no words/,
    );
    expect(() => buildBiasArpa([Array.from({ length: 41 }, () => 'word').join(' ')])).toThrow(
      /bias phrases\[0\]: 41 words, at most 40/,
    );
    expect(() => buildBiasArpa(new Array(MAX_BIAS_PHRASES + 1).fill('hello'))).toThrow(
      /5001 phrases, at most 5000/,
    );
    // Thousands of distinct long phrases: more ARPA text than the decoder accepts.
    const distinct = Array.from({ length: 600 }, (_, i) =>
      `alpha${i} bravo${i} charlie${i} delta${i} echo${i} foxtrot${i}`.replace(
        /\d/g,
        (d) => 'abcdefghij'[Number(d)],
      ),
    );
    expect(() => buildBiasArpa(distinct)).toThrow(/bytes, at most 262144 are allowed/);
  });
});
