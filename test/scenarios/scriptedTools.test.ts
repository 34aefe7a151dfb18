import { describe, expect, it } from 'vitest';
import { realClock } from '../../engine/core/Clock.ts';
import { answeringFrom } from '../../engine/recording/replayedTools.ts';
import { matchesPartially } from '../../engine/scenarios/partialMatch.ts';
import {
  NOT_IN_SCENARIO,
  ScriptedToolAnswers,
} from '../../engine/scenarios/ScriptedToolAnswers.ts';
import { runToolCalls } from '../../engine/tools/runToolCalls.ts';
import type { Tool } from '../../engine/tools/Tool.ts';

describe('matchesPartially', () => {
  it('needs every expected key, equal; strings without case or surrounding space', () => {
    expect(matchesPartially({ location: 'Tokyo' }, { location: ' tokyo', day: 'today' })).toBe(
      true,
    );
    expect(matchesPartially({ location: 'Tokyo', day: 'tomorrow' }, { location: 'Tokyo' })).toBe(
      false,
    );
    expect(matchesPartially({ people: 2 }, { people: '2' })).toBe(false);
    expect(matchesPartially({ at: { city: 'Oslo' } }, { at: { city: 'OSLO', zip: 1 } })).toBe(true);
    expect(matchesPartially({ tags: ['a'] }, { tags: ['a', 'b'] })).toBe(false);
    expect(matchesPartially({}, 'not an object')).toBe(false);
  });
});

describe('ScriptedToolAnswers', () => {
  const answers = new ScriptedToolAnswers([
    { name: 'get_weather', arguments: { location: 'Paris' }, result: { temperature: 9 } },
    { name: 'get_weather', arguments: { location: 'Atlantis' }, error: 'no place called Atlantis' },
    { name: 'get_weather', result: { temperature: 18 } },
    { name: 'get_time', result: 'noon' },
  ]);

  it('answers with the first entry whose name and arguments match', () => {
    expect(answers.answer('get_weather', { location: 'paris' })).toBe('{"temperature":9}');
    expect(answers.answer('get_weather', { location: 'Tokyo' })).toBe('{"temperature":18}');
    expect(answers.answer('get_time', {})).toBe('noon');
    expect(() => answers.answer('get_weather', { location: 'Atlantis' })).toThrow(
      'no place called Atlantis',
    );
  });

  it('fails a call it has no answer for, naming it', () => {
    expect(() => answers.answer('book_table', { people: 2 })).toThrow(
      `${NOT_IN_SCENARIO} book_table({"people":2})`,
    );
  });

  it('stands in for a live tool: the model reads the scripted answer or the error', async () => {
    const live: Tool = {
      name: 'get_weather',
      description: 'weather',
      parameters: { type: 'object' },
      timeoutMs: 1000,
      execute: async () => {
        throw new Error('the live tool must not run in a scenario');
      },
    };
    const [paris, atlantis] = await runToolCalls(
      [
        { id: 'c1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { id: 'c2', name: 'get_weather', arguments: '{"location":"Atlantis"}' },
      ],
      [answeringFrom(answers, live)],
      new AbortController().signal,
      realClock,
    );
    expect(paris).toMatchObject({ isError: false, content: '{"temperature":9}' });
    expect(atlantis).toMatchObject({
      isError: true,
      content: '{"error":"no place called Atlantis"}',
    });
  });
});
