import { afterEach, describe, expect, it } from 'vitest';
import { RulesLlm, rulesLlmSettings } from '../../../engine/providers/rules/RulesLlm.ts';
import { dialogueStateFrom, understand } from '../../../engine/providers/rules/understand.ts';
import { ProcessorHarness } from '../../../engine/testing/ProcessorHarness.ts';
import { RulesSession } from './rulesSession.ts';

let session: RulesSession | undefined;
afterEach(async () => {
  await session?.stop();
  session = undefined;
});

async function open(config: Record<string, unknown> = {}, tools?: Array<'weather' | 'clock'>) {
  session = await new RulesSession(config, tools).start();
  return session;
}

describe('llm.rules answers what people actually say', () => {
  it.each([
    [
      'i would like to know the forecast for berlin',
      'Let me check the weather in Berlin. In Berlin it is 4 degrees Celsius, light snow.',
    ],
    [
      "is it raining in london right now i'm",
      'Let me check the weather in London. In London it is 8 degrees Celsius, rain.',
    ],
    [
      'could you tell me the web or in new york',
      'Let me check the weather in New York. In New York it is 1 degrees Celsius, clear sky.',
    ],
    ['what time is it in tokyo', 'It is 12:05 pm in Tokyo.'],
    [
      'what is the lever in tokyo',
      'Let me check the weather in Tokyo. In Tokyo it is 18 degrees Celsius, partly cloudy.',
    ],
  ])('"%s"', async (heard, reply) => {
    const s = await open();
    expect((await s.say(heard)).said).toBe(reply);
  });

  it('tells the time where the server is when no place is named, through the clock tool', async () => {
    const s = await open();
    const turn = await s.say('what time is it');
    expect(turn.calls).toEqual([{ name: 'get_time', args: {} }]);
    expect(turn.said).toMatch(/^It is \d{1,2}:\d{2} [ap]m\.$/);
  });

  it('tells the date in a place from its own time zone', async () => {
    const s = await open();
    // 03:05 UTC on Friday 4 December is still Thursday 3 December in New York.
    expect((await s.say("what's the date in new york")).said).toBe(
      'In New York it is Thursday, December 3.',
    );
    expect((await s.say('and in tokyo')).said).toBe('In Tokyo it is Friday, December 4.');
  });

  it('tells tomorrow’s date from the place’s own calendar', async () => {
    const s = await open();
    // Thursday 22:05 in New York, Friday 12:05 in Tokyo.
    const newYork = await s.say("what's the date tomorrow in new york");
    expect(newYork.calls).toEqual([{ name: 'get_time', args: { location: 'New York' } }]);
    expect(newYork.said).toBe('Tomorrow in New York is Friday, December 4.');
    expect((await s.say('what is the date tomorrow in tokyo')).said).toBe(
      'Tomorrow in Tokyo is Saturday, December 5.',
    );
  });

  it('reads the local clock when the graph has no clock tool', async () => {
    const s = await open({}, ['weather']);
    const plain = await s.say('what time is it');
    expect(plain.calls).toEqual([]);
    expect(plain.said).toMatch(/^It is \d{1,2}:\d{2} [ap]m\.$/);
    expect((await s.say('what time is it in tokyo')).said).toMatch(/^I only have the clock here/);
  });

  it('says it has no weather service rather than failing', async () => {
    const s = await open({}, ['clock']);
    expect(await s.say('what is the weather in paris')).toEqual({
      said: 'Sorry, I have no weather service to ask.',
      calls: [],
    });
  });

  it('says when the geocoder knows no such place', async () => {
    const s = await open();
    expect((await s.say('what is the weather in timbuktu')).said).toBe(
      'Let me check the weather in Timbuktu. Sorry, I could not find a place called Timbuktu.',
    );
  });

  it('answers every small-talk intent', async () => {
    const s = await open();
    expect((await s.say('hi there')).said).toMatch(/^Hello! I am Parley\./);
    expect((await s.say('who are you')).said).toBe(
      'I am Parley, a rule-based voice assistant running entirely on this machine.',
    );
    expect((await s.say('what can you do')).said).toMatch(/^I can tell you the weather/);
    expect((await s.say('thank you')).said).toBe('You are welcome.');
    expect((await s.say('top')).said).toBe('Okay.');
    expect((await s.say('bye')).said).toBe('Goodbye! Talk to you soon.');
  });

  it('tells a different joke each time, starting over after the last', async () => {
    const s = await open();
    const jokes = [];
    for (let i = 0; i < 6; i++) jokes.push((await s.say('tell me a joke')).said);
    expect(jokes[0]).toBe('Why do programmers prefer dark mode? Because light attracts bugs.');
    expect(new Set(jokes.slice(0, 5)).size).toBe(5);
    expect(jokes[5]).toBe(jokes[0]);
  });

  it('says what it can do when asked for something it cannot', async () => {
    const s = await open();
    const turn = await s.say('book a table for two');
    expect(turn.calls).toEqual([]);
    expect(turn.said).toBe(
      'Sorry, I cannot help with that. I can tell you the weather or the time anywhere, or a joke.',
    );
  });
});

describe('llm.rules asks when unsure and follows up', () => {
  it('asks "did you mean", then answers a yes', async () => {
    const s = await open();
    expect(await s.say('what is the weather in to keo')).toEqual({
      said: 'Did you mean the weather in Tokyo?',
      calls: [],
    });
    expect((await s.say('yes please')).said).toBe(
      'Let me check the weather in Tokyo. In Tokyo it is 18 degrees Celsius, partly cloudy.',
    );
  });

  it('asks where after a no, and which city when none was said', async () => {
    const s = await open();
    await s.say('what is the weather in to keo');
    expect((await s.say('no')).said).toBe('Which city?');
    expect((await s.say('paris')).said).toBe(
      'Let me check the weather in Paris. In Paris it is 9 degrees Celsius, overcast.',
    );
    expect((await s.say('is it going to rain')).said).toMatch(/In Paris it is/);
  });

  it('follows "and in Paris?" and "what about tomorrow?" with the forecast API', async () => {
    const s = await open();
    await s.say("what's the weather in tokyo");
    const paris = await s.say('and in paris?');
    expect(paris.calls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    const tomorrow = await s.say('what about tomorrow?');
    expect(tomorrow.calls).toEqual([
      { name: 'get_weather', args: { location: 'Paris', day: 'tomorrow' } },
    ]);
    expect(tomorrow.said).toBe(
      "Let me check tomorrow's forecast for Paris. Tomorrow in Paris: clear sky, from 4 to 11 degrees Celsius.",
    );
    const forecastRequest = s.fake.requests.at(-1) ?? '';
    expect(forecastRequest).toContain(
      'daily=temperature_2m_max%2Ctemperature_2m_min%2Cweather_code',
    );
    expect(forecastRequest).toContain('timezone=auto');
  });

  it('decides exactly as understand() does, turn after turn', async () => {
    const s = await open();
    const turns = [
      'hello',
      'what is the lever in tokyo',
      'and in paris',
      'what about tomorrow',
      'what time is it in to keo',
      'yes',
      'tell me a joke',
      'play some music',
      'what is the weather',
      'berlin',
      'thanks bye',
    ];
    for (let i = 0; i < turns.length; i++) {
      await s.say(turns[i]);
      expect(s.llm.lastUnderstanding, turns[i]).toEqual(
        understand(turns[i], dialogueStateFrom(turns.slice(0, i))),
      );
    }
  });

  it('carries the dialogue over to a replacement responder (hot reload)', async () => {
    const s = await open();
    await s.say('what is the weather in tokyo');
    // A new responder on the same conversation, as a hot reload makes one.
    const replacement = new RulesLlm('llm', s.conversation, rulesLlmSettings.parse({}));
    const h = new ProcessorHarness(replacement);
    await h.start();
    s.conversation.add({ role: 'user', content: 'what about tomorrow' });
    await h.send(h.frame('llm.context', { messages: [...s.conversation.messages] }));
    await h.idle();
    expect(replacement.lastUnderstanding).toEqual({
      intent: 'weather',
      place: 'Tokyo',
      day: 'tomorrow',
    });
  });
});

describe('llm.rules persona style', () => {
  it('words every reply as a curt British butler', async () => {
    const s = await open({ persona: 'Jeeves', style: 'butler' });
    expect((await s.say('hello')).said).toBe('Good day, sir. Jeeves, at your service.');
    expect((await s.say('what is the weather in tokyo')).said).toBe(
      'One moment, sir. Tokyo: 18 degrees, partly cloudy, sir.',
    );
    expect((await s.say('and tomorrow')).said).toBe(
      'One moment, sir. Tokyo tomorrow: light rain, 13 to 21 degrees, sir.',
    );
    expect((await s.say('what time is it in tokyo')).said).toBe('12:05 pm in Tokyo, sir.');
    expect((await s.say('what is the weather in to keo')).said).toBe('The weather in Tokyo, sir?');
    expect((await s.say('thanks')).said).toBe('Very good, sir.');
    expect((await s.say('book a table')).said).toBe(
      'I am afraid that is beyond me, sir. The weather, the time, or a joke.',
    );
  });

  it('changes style live, on the next turn', async () => {
    const s = await open();
    expect((await s.say('thanks')).said).toBe('You are welcome.');
    s.llm.updateSettings({ style: 'butler' });
    expect((await s.say('thanks')).said).toBe('Very good, sir.');
  });
});

describe('llm.rules with the graph’s own intents', () => {
  it('tries them first, then the built-in understanding; a graph fallback replaces the style’s', async () => {
    const s = await open({
      intents: [{ name: 'music', patterns: ['\\bplay\\b'], reply: 'No music here, {persona}.' }],
      fallback: 'Pardon?',
    });
    expect((await s.say('play the weather in tokyo')).said).toBe('No music here, Parley.');
    expect((await s.say('what is the lever in tokyo')).said).toMatch(
      /^Let me check the weather in Tokyo/,
    );
    expect((await s.say('sing a song')).said).toBe('Pardon?');
  });

  it('can turn the built-in understanding off', async () => {
    const s = await open({ builtInIntents: false, fallback: 'Pardon?' });
    expect((await s.say('what is the weather in tokyo')).said).toBe('Pardon?');
  });
});
