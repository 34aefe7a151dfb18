import { describe, expect, it } from 'vitest';
import { judge, type UnderstandFn } from '../../bench/suites/offline/judge.ts';
import { understand } from '../../engine/providers/rules/understand.ts';

/** A stand-in with the documented shape, so the judge's rules are tested apart from the responder's. */
const standIn: UnderstandFn = (text) => {
  if (/weather/.test(text)) {
    const place = /in (\w+)/.exec(text)?.[1];
    const day = /tomorrow/.test(text) ? 'tomorrow' : 'today';
    return { intent: 'weather', ...(place ? { place } : { clarify: true }), day };
  }
  if (/time/.test(text))
    return { intent: 'time', ...(/in (\w+)/.test(text) ? { place: 'tokyo' } : {}) };
  if (/joke/.test(text)) return { intent: 'joke' };
  return { intent: 'fallback' };
};

const tokyoWeather = {
  text: "what's the weather in Tokyo",
  intent: 'weather' as const,
  place: 'Tokyo',
};

describe('the eval judge', () => {
  it('counts the right intent about the right place as correct, place case-insensitively', () => {
    const verdict = judge(tokyoWeather, "what's the weather in tokyo", standIn);
    expect(verdict).toMatchObject({ correct: true, clarified: false, wer: 0 });
  });

  it('counts the wrong place, the wrong intent and a missing day as wrong', () => {
    expect(judge(tokyoWeather, 'the weather in kyoto', standIn).correct).toBe(false);
    expect(judge(tokyoWeather, 'tell me a joke', standIn).correct).toBe(false);
    const tomorrow = { ...tokyoWeather, text: 'weather in Tokyo tomorrow', day: 'tomorrow' };
    expect(judge(tomorrow, 'weather in tokyo tomorrow', standIn).correct).toBe(true);
    expect(judge(tomorrow, 'weather in tokyo', standIn).correct).toBe(false);
  });

  it('counts a clarifying question as wrong, and reports it as such', () => {
    const verdict = judge(tokyoWeather, 'what is the weather', standIn);
    expect(verdict).toMatchObject({ correct: false, clarified: true });
  });

  it('wants no place when the user named none', () => {
    const here = { text: 'what time is it', intent: 'time' as const };
    expect(judge(here, 'what time is it', standIn).correct).toBe(true);
    expect(judge(here, 'what time is it in tokyo', standIn).correct).toBe(false);
  });

  it('scores out-of-scope requests as right only when the responder declines them', () => {
    const outOfScope = { text: 'play some music', intent: 'fallback' as const };
    expect(judge(outOfScope, 'play some music', standIn).correct).toBe(true);
    expect(judge(outOfScope, 'play some joke', standIn).correct).toBe(false);
  });

  it('gives the transcript’s word error rate against the label text', () => {
    expect(judge(tokyoWeather, "what's the weather in kyoto", standIn).wer).toBeCloseTo(1 / 6);
    expect(judge(tokyoWeather, '', standIn).wer).toBe(1);
  });

  it('uses the real responder’s reading: canonical places, day defaulting to today', () => {
    expect(judge(tokyoWeather, "what's the weather in tokyo", understand).correct).toBe(true);
    const newYork = {
      text: "what's the forecast for New York tomorrow",
      intent: 'weather' as const,
      place: 'New York',
      day: 'tomorrow',
    };
    expect(judge(newYork, "what's the forecast for new york tomorrow", understand).correct).toBe(
      true,
    );
    expect(judge(newYork, "what's the forecast for new york", understand).correct).toBe(false);
  });
});
