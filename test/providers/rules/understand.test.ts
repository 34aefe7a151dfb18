import { describe, expect, it } from 'vitest';
import {
  type DialogueState,
  dialogueStateFrom,
  type Understanding,
  understand,
} from '../../../engine/providers/rules/understand.ts';

/** What `last` means after the earlier turns of a conversation. */
function meaningAfter(earlier: string[], last: string): Understanding {
  return understand(last, dialogueStateFrom(earlier));
}

describe('understand: the issue’s five utterances, as pocketsphinx heard them', () => {
  it.each([
    ['i would like to know the forecast for berlin', 'weather', 'Berlin'],
    ["is it raining in london right now i'm", 'weather', 'London'],
    ['could you tell me the web or in new york', 'weather', 'New York'],
    ['what time is it', 'time', undefined],
    ['what is the lever in tokyo', 'weather', 'Tokyo'],
  ])('"%s" → %s %s', (text, intent, place) => {
    const heard = understand(text);
    expect(heard).toMatchObject({ intent });
    expect(heard.place).toBe(place);
    expect(heard.clarify).toBeUndefined();
  });
});

describe('understand: each intent from many phrasings', () => {
  it.each([
    "what's the weather in tokyo",
    'weather in paris',
    'how is the weather in madrid today',
    'tell me the weather for rome',
    'do i need an umbrella in london',
    'is it snowing in oslo',
    'how hot is it in cairo',
    'is it cold in moscow',
    'what is the temperature in sydney',
    'is it sunny in lisbon',
    'how windy is it in chicago',
    "what's the forecast in tokyo please",
    'um what is the weather like in berlin',
    'what is the whether in paris',
    'how is it in dublin',
    'what is the weather in tokio',
  ])('weather: "%s"', (text) => {
    const heard = understand(text);
    expect(heard.intent).toBe('weather');
    expect(heard.place).toBeDefined();
    expect(heard.clarify).toBeUndefined();
  });

  it.each([
    ['what time is it', undefined],
    ["what's the time", undefined],
    ['tell me the time', undefined],
    ['what time is it in tokyo', 'Tokyo'],
    ["what's the time in new york", 'New York'],
    ['current time in sydney', 'Sydney'],
    ['time in paris', 'Paris'],
  ])('time: "%s" → %s', (text, place) => {
    expect(understand(text)).toEqual({ intent: 'time', ...(place ? { place } : {}) });
  });

  it.each([
    ['what day is it', undefined],
    ["what's the date", undefined],
    ["what is today's date", undefined],
    ['what day of the week is it', undefined],
    ["what's the date in new york", 'New York'],
    ['what day is it in tokyo', 'Tokyo'],
  ])('date: "%s" → %s', (text, place) => {
    expect(understand(text)).toEqual({ intent: 'date', ...(place ? { place } : {}) });
  });

  it.each([
    ['what is the date tomorrow', undefined],
    ["what's tomorrow's date", undefined],
    ['what is the date tomorrow in tokyo', 'Tokyo'],
  ])('the date tomorrow: "%s" → %s', (text, place) => {
    expect(understand(text)).toEqual({
      intent: 'date',
      day: 'tomorrow',
      ...(place ? { place } : {}),
    });
  });

  it('has no tomorrow for the time: the time tomorrow is the time now', () => {
    expect(understand('what time is it tomorrow in tokyo')).toEqual({
      intent: 'time',
      place: 'Tokyo',
    });
  });

  it.each([
    [
      'joke',
      [
        'tell me a joke',
        'do you know any jokes',
        'say something funny',
        'make me laugh',
        'tell me a dog',
      ],
    ],
    [
      'greeting',
      ['hello', 'hi there', 'hey', 'good morning', 'how are you', 'hello how are you doing'],
    ],
    ['identity', ['who are you', "what's your name", 'are you a robot', 'who made you']],
    ['capabilities', ['what can you do', 'help', 'what can i ask you', 'how can you help me']],
    ['thanks', ['thanks', 'thank you very much', 'cheers', 'thanks a lot']],
    ['goodbye', ['goodbye', 'bye bye', 'see you later', 'thank you bye', "that's all"]],
    ['stop', ['stop', 'top', 'stop talking', 'be quiet', 'okay stop', 'never mind', 'enough']],
  ])('%s', (intent, phrasings) => {
    for (const text of phrasings as string[]) expect(understand(text), text).toEqual({ intent });
  });

  it('lets a question win over a greeting said with it', () => {
    expect(understand('hello what is the weather in paris')).toMatchObject({
      intent: 'weather',
      place: 'Paris',
    });
    expect(understand('hi tell me a joke')).toEqual({ intent: 'joke' });
  });

  it('reads the day asked about', () => {
    expect(understand('what is the weather in berlin tomorrow')).toEqual({
      intent: 'weather',
      place: 'Berlin',
      day: 'tomorrow',
    });
    expect(understand('will it rain tomorrow in paris').day).toBe('tomorrow');
    expect(understand('is it raining in paris now').day).toBe('today');
  });
});

describe('understand: what it does not understand', () => {
  it.each([
    'book a table for two',
    'play some music',
    'play music in the kitchen',
    'set a timer',
    'set a timer for ten minutes',
    'what time does the shop open',
    'help me book a flight to paris tomorrow please',
    'i had the time of my life',
    'i am cold',
    'sing me the song of the sea',
    'turn on the lights',
    'cancel my order',
    'i left my coat in the car',
    'flights to paris',
    'what are you doing',
    'stop the car at the station',
    'so ah off',
    '',
    'um uh',
  ])('"%s" → fallback', (text) => {
    expect(understand(text)).toEqual({ intent: 'fallback' });
  });

  it('gives pasted text longer than the pattern limit the fallback, as the patterns do', () => {
    expect(understand(`weather in tokyo ${'x'.repeat(2000)}`)).toEqual({ intent: 'fallback' });
  });
});

describe('understand: places', () => {
  it.each([
    ['what is the weather in san francisco', 'San Francisco'],
    ['weather in los angeles', 'Los Angeles'],
    ['what is the weather in new delhi', 'New Delhi'],
    ['forecast for buenos aires', 'Buenos Aires'],
    ['weather in los angelis', 'Los Angeles'],
    ['what is the weather in berlyn', 'Berlin'],
    ['is it raining in lunden', 'London'],
  ])('"%s" → %s, without asking', (text, place) => {
    expect(understand(text)).toMatchObject({ intent: 'weather', place });
    expect(understand(text).clarify).toBeUndefined();
  });

  it('sends a place it does not list to the geocoder as said', () => {
    expect(understand('what is the weather in timbuktu')).toMatchObject({
      intent: 'weather',
      place: 'Timbuktu',
    });
    expect(understand("what's the time in ouagadougou").place).toBe('Ouagadougou');
  });

  it('does not take ordinary words after "in" for a place', () => {
    expect(understand('what is the weather in general')).toEqual({
      intent: 'weather',
      day: 'today',
      clarify: true,
    });
  });
});

describe('understand: asks when unsure, and takes the answer', () => {
  it('asks "did you mean" for a place heard only loosely, and a yes answers it', () => {
    expect(understand('what is the weather in to keo')).toEqual({
      intent: 'weather',
      place: 'Tokyo',
      day: 'today',
      clarify: true,
    });
    for (const yes of ['yes', 'yes please', 'yeah', 'that is right'])
      expect(meaningAfter(['what is the weather in to keo'], yes), yes).toEqual({
        intent: 'weather',
        place: 'Tokyo',
        day: 'today',
      });
  });

  it('asks where after a no, and the next turn’s place answers', () => {
    const turns = ['what is the weather in to keo'];
    expect(meaningAfter(turns, 'no')).toEqual({ intent: 'weather', day: 'today', clarify: true });
    expect(meaningAfter([...turns, 'no'], 'berlin')).toEqual({
      intent: 'weather',
      place: 'Berlin',
      day: 'today',
    });
    expect(meaningAfter(turns, 'no thanks')).toEqual({ intent: 'stop' });
    expect(meaningAfter(turns, 'no kyoto')).toEqual({
      intent: 'weather',
      place: 'Kyoto',
      day: 'today',
    });
  });

  it('confirms a weather word it may have misheard before acting on a loose place', () => {
    expect(understand('what is the lever in tokio')).toMatchObject({
      intent: 'weather',
      place: 'Tokyo',
      clarify: true,
    });
  });

  it('asks which city for a weather question without one, keeping the day', () => {
    expect(understand('what is the weather like')).toEqual({
      intent: 'weather',
      day: 'today',
      clarify: true,
    });
    expect(meaningAfter(["what's the weather tomorrow"], 'paris')).toEqual({
      intent: 'weather',
      place: 'Paris',
      day: 'tomorrow',
    });
  });

  it('hears a question whose first words the recogniser lost or misheard', () => {
    expect(understand('can you do')).toEqual({ intent: 'capabilities' });
    expect(understand('i can you help me')).toEqual({ intent: 'capabilities' });
    expect(understand('what is it in tokyo')).toMatchObject({ intent: 'weather', place: 'Tokyo' });
    expect(understand('how long is it in cape town')).toMatchObject({
      intent: 'weather',
      place: 'Cape Town',
    });
    // Without a place it stays an ordinary question.
    expect(understand('how long is it in the oven')).toEqual({ intent: 'fallback' });
    expect(understand('can you do my taxes for me this year')).toEqual({ intent: 'fallback' });
  });

  it('asks about a place said alone, with nothing to follow', () => {
    expect(understand('paris')).toEqual({
      intent: 'weather',
      place: 'Paris',
      day: 'today',
      clarify: true,
    });
    // A question clipped at its start, as heard in the browser end-to-end test.
    expect(understand('but in tokyo')).toEqual({
      intent: 'weather',
      place: 'Tokyo',
      day: 'today',
      clarify: true,
    });
  });

  it('answers a new question instead of treating it as the answer', () => {
    expect(meaningAfter(['what is the weather in to keo'], 'no what time is it')).toEqual({
      intent: 'time',
    });
  });
});

describe('understand: follow-ups use the conversation', () => {
  const tokyo = ['what is the weather in tokyo'];

  it.each(['and in paris', 'what about paris', 'how about paris', 'paris'])(
    '"%s" after Tokyo’s weather → Paris’s weather',
    (text) => {
      expect(meaningAfter(tokyo, text)).toEqual({
        intent: 'weather',
        place: 'Paris',
        day: 'today',
      });
    },
  );

  it.each(['what about tomorrow', 'and tomorrow', 'how about tomorrow'])(
    '"%s" → tomorrow in the same place',
    (text) => {
      expect(meaningAfter(tokyo, text)).toEqual({
        intent: 'weather',
        place: 'Tokyo',
        day: 'tomorrow',
      });
    },
  );

  it('keeps the day for a new place, and the place for a new weather word', () => {
    expect(meaningAfter([...tokyo, 'what about tomorrow'], 'and in paris')).toEqual({
      intent: 'weather',
      place: 'Paris',
      day: 'tomorrow',
    });
    expect(meaningAfter(tokyo, 'will it snow tomorrow')).toEqual({
      intent: 'weather',
      place: 'Tokyo',
      day: 'tomorrow',
    });
  });

  it('follows the time as well as the weather, across small talk', () => {
    expect(meaningAfter(['what time is it in tokyo'], 'and in london')).toEqual({
      intent: 'time',
      place: 'London',
    });
    expect(meaningAfter(['what time is it in tokyo', 'thanks'], 'what about paris')).toEqual({
      intent: 'time',
      place: 'Paris',
    });
  });

  it('needs an earlier question to follow', () => {
    expect(understand('and tomorrow')).toEqual({ intent: 'fallback' });
  });

  it('tells another joke on "another one" right after one, and only then', () => {
    expect(meaningAfter(['tell me a joke'], 'another one')).toEqual({ intent: 'joke' });
    expect(meaningAfter(['tell me a joke'], 'one more please')).toEqual({ intent: 'joke' });
    expect(meaningAfter(['hello'], 'another one')).toEqual({ intent: 'fallback' });
  });

  it('follows a place said alone, not one inside another request', () => {
    expect(meaningAfter(['what is the weather in tokyo'], 'flights to paris')).toEqual({
      intent: 'fallback',
    });
  });

  it('counts jokes told, for the next one', () => {
    const state: DialogueState = dialogueStateFrom(['tell me a joke', 'hello', 'another joke']);
    expect(state.jokesTold).toBe(2);
  });
});
