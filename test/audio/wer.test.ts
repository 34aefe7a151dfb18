import { describe, expect, it } from 'vitest';
import {
  corpusWordErrorRate,
  countWordErrors,
  normalizeTranscript,
  wordErrorRate,
} from '../../engine/audio/wer.ts';

describe('normalizeTranscript', () => {
  it('lower-cases, strips punctuation and expands contractions', () => {
    expect(normalizeTranscript("What's the weather in Tokyo?")).toEqual([
      'what',
      'is',
      'the',
      'weather',
      'in',
      'tokyo',
    ]);
    expect(normalizeTranscript("I don\u2019t know, I can't say!")).toEqual([
      'i',
      'do',
      'not',
      'know',
      'i',
      'can',
      'not',
      'say',
    ]);
    expect(normalizeTranscript("we'll see; they're here")).toEqual([
      'we',
      'will',
      'see',
      'they',
      'are',
      'here',
    ]);
  });

  it('splits hyphenated words and keeps possessives as one word', () => {
    expect(normalizeTranscript('twenty-one')).toEqual(['twenty', 'one']);
    expect(normalizeTranscript("John's car")).toEqual(['johns', 'car']);
  });

  it('treats blank text as no words', () => {
    expect(normalizeTranscript('  ... ')).toEqual([]);
  });
});

describe('wordErrorRate', () => {
  it('is 0 for texts that differ only in spelling conventions', () => {
    expect(wordErrorRate("what's the weather in Tokyo", 'what is the weather in tokyo')).toBe(0);
  });

  it('counts substitutions, deletions and insertions', () => {
    expect(countWordErrors('tell me a joke', 'tell me the joke')).toEqual({
      errors: 1,
      referenceWords: 4,
    });
    expect(countWordErrors('tell me a joke', 'tell me joke')).toEqual({
      errors: 1,
      referenceWords: 4,
    });
    expect(countWordErrors('tell me a joke', 'tell me a funny joke now')).toEqual({
      errors: 2,
      referenceWords: 4,
    });
    expect(wordErrorRate('stop', '')).toBe(1);
  });

  it('can exceed 1 when the hypothesis is much longer', () => {
    expect(wordErrorRate('stop', 'please do not stop now')).toBe(4);
  });

  it('handles an empty reference without dividing by zero', () => {
    expect(wordErrorRate('', '')).toBe(0);
    expect(wordErrorRate('', 'noise')).toBe(1);
  });
});

describe('corpusWordErrorRate', () => {
  it('weights utterances by their length', () => {
    const wer = corpusWordErrorRate([
      { reference: 'stop', hypothesis: 'top' },
      { reference: 'set a timer for ten minutes', hypothesis: 'set a timer for ten minutes' },
    ]);
    expect(wer).toBeCloseTo(1 / 7);
  });
});
