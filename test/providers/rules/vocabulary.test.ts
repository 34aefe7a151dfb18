import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_CITIES, KNOWN_COUNTRIES } from '../../../engine/providers/rules/knownPlaces.ts';
import { listedPlaceNames } from '../../../engine/providers/rules/placeMatcher.ts';
import { INTENTS, understand } from '../../../engine/providers/rules/understand.ts';
import { responderPhrases } from '../../../engine/providers/rules/vocabulary.ts';

const CMUDICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

describe('responderPhrases', () => {
  const phrases = responderPhrases();

  it('are short lower-case word lines, every listed place among them', () => {
    expect(phrases.length).toBeGreaterThan(300);
    for (const line of phrases) expect(line).toMatch(/^[a-z]+(?: [a-z]+)*$/);
    const all = ` ${phrases.join(' | ')} `;
    for (const place of listedPlaceNames()) expect(all).toContain(` ${place.toLowerCase()} `);
  });

  it('cover every intent, each understood as meant', () => {
    const intents = new Set(phrases.map((line) => understand(line).intent));
    for (const intent of INTENTS.filter((i) => i !== 'fallback')) expect(intents).toContain(intent);
  });

  it.skipIf(!existsSync(CMUDICT))('use only words pocketsphinx’s dictionary has', () => {
    const dictionary = new Set(
      readFileSync(CMUDICT, 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[0].replace(/\(\d+\)$/, '')),
    );
    const missing = new Set(
      phrases.flatMap((line) => line.split(' ')).filter((w) => !dictionary.has(w)),
    );
    expect([...missing]).toEqual([]);
  });
});

describe('knownPlaces', () => {
  it('lists a few hundred whole names, each once', () => {
    const names = [...KNOWN_CITIES, ...KNOWN_COUNTRIES];
    expect(names.length).toBeGreaterThan(250);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][a-z]+(?: (?:de )?[A-Z][a-z]+)*$/);
    expect(names).toContain('Addis Ababa');
    expect(names).toContain('New Zealand');
  });
});
