import { doubleMetaphone } from 'double-metaphone';
import { editDistance } from './editDistance.ts';
import { KNOWN_CITIES, KNOWN_COUNTRIES, PLACE_ALIASES } from './knownPlaces.ts';
import { wordSet } from './transcriptWords.ts';

/**
 * How sure a place match is:
 * - `exact`: the words are a listed name;
 * - `close`: one slip from a listed name, by spelling and sound ("tokio", "lunden");
 * - `weak`: sounds like a listed name but was heard differently ("to keo");
 * - `unlisted`: not a listed name, but said where a place goes ("in Timbuktu"): the geocoder decides.
 */
export type PlaceMatchQuality = 'exact' | 'close' | 'weak' | 'unlisted';

export interface PlaceMatch {
  /** The place as the tools should be asked for it ('New York'). */
  name: string;
  quality: PlaceMatchQuality;
  /** Word indices of the match: `words.slice(start, end)`. */
  start: number;
  end: number;
}

interface ListedPlace {
  name: string;
  /** Lower-case words of the spoken form. */
  words: number;
  /** The spoken form without spaces, compared letter by letter. */
  letters: string;
  sounds: readonly [string, string];
}

/** Words after which a place name follows. */
const PREPOSITIONS = wordSet(`
  in for at about near of from
`);

/** Words that end a place phrase: what follows a place in a question. */
const PHRASE_ENDS = wordSet(`
  today tomorrow tonight now right currently please this at on in for like and or then is
  will going be too as well later
`);

/**
 * Words that cannot begin or be a place: said after "in"/"for"/"at" in
 * sentences that name none ("in general", "for me", "at the moment").
 */
const NOT_PLACES = wordSet(`
  it me you him her us them here there general a an my your our their that which what
  weather time morning afternoon evening night week weekend moment minute minutes hour hours
  day days future past fact case mind bed all some any every celsius fahrenheit degrees
  order example sure least most first last once two one three joke jokes music table dinner
  lunch breakfast work home school outside inside today tomorrow forecast rain snow
  temperature i we be long while course person real charge help love trouble fun sale free
`);

let listed: ListedPlace[] | undefined;
let byName: Map<string, string> | undefined;

function listedPlaces(): ListedPlace[] {
  if (!listed) {
    const spoken = new Map<string, string>();
    for (const name of [...KNOWN_CITIES, ...KNOWN_COUNTRIES]) spoken.set(name.toLowerCase(), name);
    for (const [alias, name] of Object.entries(PLACE_ALIASES)) spoken.set(alias, name);
    byName = spoken;
    listed = [...spoken].map(([form, name]) => {
      const letters = form.replaceAll(' ', '');
      return { name, words: form.split(' ').length, letters, sounds: doubleMetaphone(letters) };
    });
  }
  return listed;
}

/** Canonical name of a listed place or alias spelled exactly as `spoken` (lower-case words). */
export function listedPlaceNamed(spoken: string): string | undefined {
  listedPlaces();
  return byName!.get(spoken);
}

/** Every listed place's canonical name, once each. */
export function listedPlaceNames(): string[] {
  return [...new Set(listedPlaces().map((p) => p.name))];
}

export interface FindPlaceOptions {
  /**
   * Try approximate matches on any words, not only after a preposition.
   * For short answers ("tokio", "what about berlin"), where the place is
   * most of what was said; in a long sentence it would find places in ordinary words.
   */
  fuzzyAnywhere?: boolean;
}

/** The place named in `words`, if any: listed names first, exactly, then by sound and spelling, then an unlisted phrase after a preposition. */
export function findPlace(
  words: readonly string[],
  options: FindPlaceOptions = {},
): PlaceMatch | undefined {
  return (
    findExact(words) ??
    findApproximate(words, options.fuzzyAnywhere ?? false) ??
    findUnlisted(words)
  );
}

const LONGEST_NAME_WORDS = 4;

function findExact(words: readonly string[]): PlaceMatch | undefined {
  for (let n = LONGEST_NAME_WORDS; n >= 1; n--) {
    for (let start = 0; start + n <= words.length; start++) {
      const name = listedPlaceNamed(words.slice(start, start + n).join(' '));
      if (name) return { name, quality: 'exact', start, end: start + n };
    }
  }
  return undefined;
}

interface Candidate extends PlaceMatch {
  distance: number;
}

const RANK: Record<PlaceMatchQuality, number> = { exact: 3, close: 2, weak: 1, unlisted: 0 };

function findApproximate(words: readonly string[], anywhere: boolean): PlaceMatch | undefined {
  let best: Candidate | undefined;
  for (let start = 0; start < words.length; start++) {
    if (!anywhere && !PREPOSITIONS.has(words[start - 1] ?? '')) continue;
    if (NOT_PLACES.has(words[start]) || PHRASE_ENDS.has(words[start])) continue;
    for (let n = 1; n <= 3 && start + n <= words.length; n++) {
      const span = words.slice(start, start + n);
      if (n > 1 && (PHRASE_ENDS.has(span[n - 1]) || NOT_PLACES.has(span[n - 1]))) break;
      const candidate = bestListedMatch(span, start);
      if (candidate && isBetter(candidate, best)) best = candidate;
    }
  }
  return best && { name: best.name, quality: best.quality, start: best.start, end: best.end };
}

function isBetter(candidate: Candidate, best: Candidate | undefined): boolean {
  if (!best) return true;
  if (RANK[candidate.quality] !== RANK[best.quality])
    return RANK[candidate.quality] > RANK[best.quality];
  return candidate.distance < best.distance;
}

function bestListedMatch(span: readonly string[], start: number): Candidate | undefined {
  const letters = span.join('');
  // Four letters or fewer sound like too many ordinary words ("row" and "Rome").
  if (letters.length < 4) return undefined;
  const sounds = doubleMetaphone(letters);
  let best: Candidate | undefined;
  for (const place of listedPlaces()) {
    // Cheap tests first: every turn compares each span with every listed place.
    if (Math.abs(place.letters.length - letters.length) > 3) continue;
    if (!sameStart(letters, place.letters)) continue;
    const distance = editDistance(letters, place.letters);
    const quality = approximateQuality(span.length, letters, sounds, place, distance);
    if (!quality) continue;
    const candidate: Candidate = {
      name: place.name,
      quality,
      start,
      end: start + span.length,
      distance,
    };
    if (isBetter(candidate, best)) best = candidate;
  }
  return best;
}

function approximateQuality(
  spanWords: number,
  letters: string,
  sounds: readonly [string, string],
  place: ListedPlace,
  distance: number,
): PlaceMatchQuality | undefined {
  const soundsAlike =
    sounds[0].length >= 2 &&
    (sounds[0] === place.sounds[0] ||
      sounds[0] === place.sounds[1] ||
      sounds[1] === place.sounds[0]);
  const sameShape = spanWords === place.words;
  // One slip in a long-enough name, or a sound-alike a third of whose letters differ at most.
  if (sameShape && distance <= 1 && letters.length >= 5) return 'close';
  if (sameShape && soundsAlike && distance <= Math.floor(letters.length / 3)) return 'close';
  if (soundsAlike && distance <= Math.ceil(letters.length / 2)) return 'weak';
  if (letters.length >= 7 && distance <= 2) return 'weak';
  return undefined;
}

/** Misheard names keep their first sound: a first letter that differs (vowels aside) is another name. */
function sameStart(heard: string, name: string): boolean {
  return heard[0] === name[0] || (isVowel(heard[0]) && isVowel(name[0]));
}

function isVowel(letter: string | undefined): boolean {
  return letter !== undefined && 'aeiou'.includes(letter);
}

/** An unlisted place: the words after the last "in"/"for"/"at", up to what ends a place phrase. */
function findUnlisted(words: readonly string[]): PlaceMatch | undefined {
  for (let i = words.length - 2; i >= 0; i--) {
    if (!['in', 'for', 'at'].includes(words[i])) continue;
    let start = i + 1;
    if (words[start] === 'the') start++;
    let end = start;
    while (end < words.length && end - start < 3 && !PHRASE_ENDS.has(words[end])) end++;
    const phrase = words.slice(start, end);
    if (phrase.length === 0 || phrase.some((w) => NOT_PLACES.has(w) || /\d/.test(w))) continue;
    return { name: titleCase(phrase.join(' ')), quality: 'unlisted', start, end };
  }
  return undefined;
}

function titleCase(text: string): string {
  return text.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}
