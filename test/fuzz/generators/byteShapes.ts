/** Byte-level building blocks: broken UTF-8, cut points, hex previews. */
import type { Rng } from '../Rng.ts';

/** Sequences no UTF-8 decoder may accept (RFC 3629): each breaks a different rule. */
export const INVALID_UTF8: ReadonlyArray<{ name: string; bytes: number[] }> = [
  { name: 'lone continuation byte', bytes: [0x80] },
  { name: 'overlong NUL', bytes: [0xc0, 0x80] },
  { name: 'overlong slash', bytes: [0xe0, 0x80, 0xaf] },
  { name: 'UTF-16 surrogate', bytes: [0xed, 0xa0, 0x80] },
  { name: 'code point above U+10FFFF', bytes: [0xf4, 0x90, 0x80, 0x80] },
  { name: 'byte 0xFF', bytes: [0xff] },
  { name: 'byte 0xFE', bytes: [0xfe] },
  { name: 'truncated 3-byte sequence', bytes: [0xe2, 0x82] },
  { name: 'truncated 4-byte sequence', bytes: [0xf0, 0x9f, 0x98] },
  { name: '5-byte form', bytes: [0xf8, 0x88, 0x80, 0x80, 0x80] },
];

/** ASCII text with one invalid UTF-8 sequence somewhere in it (at the end when `atEnd`: a truncated character). */
export function textWithInvalidUtf8(rng: Rng): { name: string; bytes: Buffer } {
  const bad = rng.pick(INVALID_UTF8);
  const before = Buffer.from(rng.string(rng.int(0, 40), 'abc{}":, 0123'));
  const after = Buffer.from(
    bad.name.startsWith('truncated') ? '' : rng.string(rng.int(0, 40), 'xyz[]'),
  );
  return { name: bad.name, bytes: Buffer.concat([before, Buffer.from(bad.bytes), after]) };
}

/** `count` - 1 sorted distinct cut points inside [1, length - 1], so every piece is non-empty. */
export function cutPoints(rng: Rng, length: number, count: number): number[] {
  const cuts = new Set<number>();
  const wanted = Math.min(count - 1, length - 1);
  while (cuts.size < wanted) cuts.add(rng.int(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, data.length]) {
    pieces.push(data.subarray(start, cut));
    start = cut;
  }
  return pieces;
}

export function hex(bytes: Uint8Array, max = 24): string {
  const shown = Buffer.from(bytes.subarray(0, max)).toString('hex').replace(/(..)/g, '$1 ').trim();
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** A buffer of `length` bytes filled with a repeated ASCII letter: big, cheap, valid UTF-8. */
export function bigAscii(length: number, letter = 'a'): Buffer {
  return Buffer.alloc(length, letter);
}

/** Percent-encodes every UTF-8 byte of `text`; unlike encodeURIComponent it takes lone surrogates (as U+FFFD). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
    .join('');
}
