import { describe, expect, it } from 'vitest';
import {
  aLawDecode,
  aLawEncode,
  aLawToLinear,
  linearToALaw,
  linearToMuLaw,
  muLawDecode,
  muLawEncode,
  muLawToLinear,
} from '../../engine/audio/g711.ts';
import { sine } from './sine.ts';

function snrDb(reference: Int16Array, degraded: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] ** 2;
    noise += (reference[i] - degraded[i]) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe('G.711 μ-law', () => {
  it('matches known code points of the standard', () => {
    expect(linearToMuLaw(0)).toBe(0xff);
    expect(linearToMuLaw(-1)).toBe(0x7f);
    expect(linearToMuLaw(32767)).toBe(0x80);
    expect(linearToMuLaw(-32768)).toBe(0x00);
    expect(linearToMuLaw(1000)).toBe(0xce);
    expect(muLawToLinear(0xff)).toBe(0);
    expect(muLawToLinear(0x7f)).toBe(0);
    expect(muLawToLinear(0x80)).toBe(32124);
    expect(muLawToLinear(0x00)).toBe(-32124);
    expect(muLawToLinear(0xce)).toBe(988);
  });

  it('round-trips every 16-bit value within the segment quantisation step', () => {
    const failures: string[] = [];
    for (let s = -32768; s <= 32767; s++) {
      const back = muLawToLinear(linearToMuLaw(s));
      const clipped = Math.max(-32124, Math.min(32124, s));
      // The step doubles per segment (8 << seg) and decoding lands mid-step: error ≤ half a step.
      const segment = 31 - Math.clz32(Math.abs(clipped) + 0x84) - 7;
      const signKept = Math.sign(back) === Math.sign(s) || back === 0;
      if (Math.abs(back - clipped) > 4 << segment || !signKept) failures.push(`${s} → ${back}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps a sine at ~38 dB SNR over a wide range of levels (what companding is for)', () => {
    for (const amplitude of [500, 4000, 30000]) {
      const input = sine(440, 8000, 0.5, amplitude);
      expect(snrDb(input, muLawDecode(muLawEncode(input)))).toBeGreaterThan(30);
      expect(snrDb(input, aLawDecode(aLawEncode(input)))).toBeGreaterThan(30);
    }
  });

  it('decodes every code to a value that re-encodes to the same code', () => {
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue; // negative zero decodes to 0, which encodes as positive zero 0xff
      expect(linearToMuLaw(muLawToLinear(code))).toBe(code);
    }
  });

  it('encodes and decodes arrays', () => {
    const samples = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const codes = muLawEncode(samples);
    expect(Array.from(codes)).toEqual([0xff, 0xce, 0x4e, 0x80, 0x00]);
    expect(Array.from(muLawDecode(codes))).toEqual([0, 988, -988, 32124, -32124]);
  });
});

describe('G.711 A-law', () => {
  it('matches known code points of the standard', () => {
    expect(linearToALaw(0)).toBe(0xd5);
    expect(linearToALaw(-1)).toBe(0x55);
    expect(linearToALaw(32767)).toBe(0xaa);
    expect(linearToALaw(-32768)).toBe(0x2a);
    expect(linearToALaw(1000)).toBe(0xfa);
    expect(aLawToLinear(0xd5)).toBe(8);
    expect(aLawToLinear(0x55)).toBe(-8);
    expect(aLawToLinear(0xaa)).toBe(32256);
    expect(aLawToLinear(0x2a)).toBe(-32256);
    expect(aLawToLinear(0xfa)).toBe(1008);
  });

  it('round-trips every 16-bit value within the segment quantisation step', () => {
    const failures: string[] = [];
    for (let s = -32768; s <= 32767; s++) {
      const back = aLawToLinear(linearToALaw(s));
      const clipped = Math.max(-32256, Math.min(32256, s));
      // Segments 0 and 1 share a 16-wide step; above that it doubles. Negative values are
      // coded as one's complement, hence the extra 1.
      const magnitude = Math.abs(clipped);
      const halfStep = magnitude < 512 ? 8 : 4 << (31 - Math.clz32(magnitude) - 7);
      if (Math.abs(back - clipped) > halfStep + 1) failures.push(`${s} → ${back}`);
    }
    expect(failures).toEqual([]);
  });

  it('decodes every code to a value that re-encodes to the same code', () => {
    for (let code = 0; code < 256; code++) expect(linearToALaw(aLawToLinear(code))).toBe(code);
  });

  it('encodes and decodes arrays', () => {
    const codes = aLawEncode(Int16Array.from([0, 1000, -1000]));
    expect(Array.from(codes)).toEqual([0xd5, 0xfa, 0x7a]);
    expect(Array.from(aLawDecode(codes))).toEqual([8, 1008, -1008]);
  });
});
