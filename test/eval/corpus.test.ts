import { describe, expect, it } from 'vitest';
import { INTENTS, TUNING_VOICES } from '../../bench/suites/offline/corpus.ts';
import { corpusItems, phrasingOf, toItems } from '../../bench/suites/offline/evalItems.ts';
import { voiceId } from '../../bench/suites/offline/voices.ts';

const items = corpusItems();
const tuning = items.filter((i) => i.split === 'tuning');
const heldOut = items.filter((i) => i.split === 'heldOut');

describe('the offline eval corpus', () => {
  it('has at least 60 utterances, every intent, and at least 10 out-of-scope requests', () => {
    expect(items.length).toBeGreaterThanOrEqual(60);
    for (const intent of INTENTS) expect(items.some((i) => i.intent === intent)).toBe(true);
    expect(items.filter((i) => i.intent === 'fallback').length).toBeGreaterThanOrEqual(10);
    // Both splits cover every intent, so each reports on the whole agent.
    for (const split of [tuning, heldOut])
      expect(new Set(split.map((i) => i.intent)).size).toBe(INTENTS.length);
  });

  it('covers two-word cities and "tomorrow" in weather questions', () => {
    const weather = items.filter((i) => i.intent === 'weather');
    expect(weather.every((i) => i.place !== undefined)).toBe(true);
    expect(weather.filter((i) => i.place?.includes(' ')).length).toBeGreaterThanOrEqual(4);
    expect(weather.filter((i) => i.day === 'tomorrow').length).toBeGreaterThanOrEqual(4);
  });

  it('keeps about 30 % aside as held-out, with ids unique', () => {
    const share = heldOut.length / items.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.4);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('speaks the held-out set with other voices than the tuning set', () => {
    const tuningVoices = new Set(tuning.map((i) => voiceId(i.voice)));
    const heldOutVoices = new Set(heldOut.map((i) => voiceId(i.voice)));
    expect(tuningVoices.size).toBeGreaterThanOrEqual(4);
    expect(heldOutVoices.size).toBeGreaterThanOrEqual(3);
    expect([...heldOutVoices].filter((v) => tuningVoices.has(v))).toEqual([]);
  });

  it('phrases the held-out set differently: no wording is shared once the place is taken out', () => {
    const tuningPhrasings = new Set(tuning.map(phrasingOf));
    expect(heldOut.map(phrasingOf).filter((p) => tuningPhrasings.has(p))).toEqual([]);
    expect(phrasingOf({ text: "What's the weather in New York?", place: 'New York' })).toBe(
      "what's the weather in {place}",
    );
  });

  it('refuses a bad label, naming the line', () => {
    expect(() =>
      toItems('tuning', [['weather in Paris', 'weather', 'Rome']], TUNING_VOICES),
    ).toThrow(/TUNING\[0\] \("weather in Paris"\): place 'Rome' is not in the text/);
    expect(() =>
      toItems('heldOut', [['x', 'ok'] as unknown as readonly [string, 'joke']], TUNING_VOICES),
    ).toThrow(/HELD_OUT\[0\] \("x"\): unknown intent 'ok'/);
    expect(() =>
      toItems('tuning', [['tell me a joke in Paris', 'joke', 'Paris']], TUNING_VOICES),
    ).toThrow(/only weather, time and date take a place/);
  });
});
