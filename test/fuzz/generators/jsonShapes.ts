/**
 * JSON that is awkward to receive: nested deeper than any recursive walk
 * survives, random values from fast-check, strings with lone surrogates and
 * other oddities, keys that collide with Object.prototype. Deep values are
 * built as text: JSON.stringify would overflow our own stack first.
 */
import fc from 'fast-check';
import type { Rng } from '../Rng.ts';

export type Nesting = 'arrays' | 'objects' | 'mixed';

/** JSON text of a value nested `depth` levels deep. */
export function deepJson(depth: number, nesting: Nesting, rng: Rng): string {
  const opens: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < depth; i++) {
    const array = nesting === 'arrays' || (nesting === 'mixed' && rng.bool());
    opens.push(array ? '[' : '{"k":');
    closes.push(array ? ']' : '}');
  }
  return `${opens.join('')}0${closes.reverse().join('')}`;
}

/** A depth that includes the ones known to hurt (10,000) and wilder ones. */
export function hurtfulDepth(rng: Rng): number {
  return rng.pick([10_000, 10_000, 2_000, 50_000, 200_000, rng.int(500, 100_000)]);
}

/** Any JSON value (fast-check `jsonValue`, full Unicode strings), from this case's stream. */
export function randomJsonValue(rng: Rng, maxDepth = 4): unknown {
  return fc.sample(fc.jsonValue({ maxDepth, stringUnit: 'binary' }), {
    seed: rng.seed(),
    numRuns: 1,
  })[0];
}

/** JSON text that is not valid JSON: cut short, trailing garbage, single quotes, bare words, … */
export function brokenJson(rng: Rng): string {
  const valid = JSON.stringify(randomJsonValue(rng, 3)) ?? 'null';
  switch (rng.int(0, 6)) {
    case 0:
      return valid.length > 1 ? valid.slice(0, rng.int(1, valid.length - 1)) : '{';
    case 1:
      return `${valid}${rng.pick([',', '}', ']', ' x', '\u0000'])}`;
    case 2:
      return "{'label':'rtvi-ai','type':'send-text'}";
    case 3:
      return rng.pick([
        'undefined',
        'NaN',
        'Infinity',
        '-',
        '+1',
        '.5',
        '01',
        'tru',
        '"unterminated',
        '{"a":1,}',
        '[1,]',
        '{"a" 1}',
      ]);
    case 4:
      return Buffer.from(rng.bytes(rng.int(1, 200))).toString('latin1');
    case 5:
      return '';
    default:
      return `{"a":"${'\\u'}${rng.string(rng.int(0, 3), '0123456789abcdefXYZ')}"}`;
  }
}

/** Strings that are valid JSON but odd once decoded. */
export function oddString(rng: Rng): string {
  return rng.pick([
    '\ud800',
    'a\udc00b',
    '\u0000\u0000',
    '\u202e\u202dRTL',
    '\ufeffBOM',
    '𝄞'.repeat(rng.int(1, 2000)),
    ' '.repeat(rng.int(1, 100)),
    '\n\r\t',
    '__proto__',
    'x'.repeat(rng.int(9_000, 12_000)),
    fc.sample(fc.string({ unit: 'binary', maxLength: 50 }), { seed: rng.seed(), numRuns: 1 })[0],
  ]);
}

/** Keys that mean something to Object.prototype. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
] as const;
