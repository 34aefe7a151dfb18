import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { validateGraph } from '../../../engine/graph/validateGraph.ts';
import { createDefaultRegistry } from '../../../engine/index.ts';
import {
  dateAfter,
  readClock,
  serverTimeZone,
} from '../../../engine/providers/openmeteo/clockReading.ts';
import { createClockTool } from '../../../engine/providers/openmeteo/OpenMeteoClock.ts';
import { createWeatherTool } from '../../../engine/providers/openmeteo/OpenMeteoWeather.ts';
import { personaVoice } from '../../../engine/providers/rules/phrasebook.ts';
import { FakeOpenMeteo } from '../../fakes/FakeOpenMeteo.ts';
import { FIXED_NOW, PLACES } from './rulesSession.ts';

let fake: FakeOpenMeteo | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function fakeUrl(
  options: ConstructorParameters<typeof FakeOpenMeteo>[0] = { places: PLACES },
) {
  fake = new FakeOpenMeteo(options);
  return fake.start();
}

const run = { signal: new AbortController().signal };

describe('readClock', () => {
  it('reads one moment in different zones', () => {
    expect(readClock(FIXED_NOW, 'Asia/Tokyo')).toEqual({
      time: '12:05 pm',
      date: 'Friday, December 4',
      weekday: 'Friday',
      timezone: 'Asia/Tokyo',
      iso: '2026-12-04T12:05',
    });
    expect(readClock(FIXED_NOW, 'America/New_York')).toMatchObject({
      time: '10:05 pm',
      date: 'Thursday, December 3',
      iso: '2026-12-03T22:05',
    });
    expect(readClock(new Date('2026-12-04T00:00:00Z'), 'UTC').time).toBe('12:00 am');
  });

  it('refuses a zone Intl does not know, naming it', () => {
    expect(() => readClock(FIXED_NOW, 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });

  it('counts days on the reading’s own calendar', () => {
    expect(dateAfter(readClock(FIXED_NOW, 'America/New_York'), 1)).toBe('Friday, December 4');
    expect(dateAfter({ iso: '2026-12-31T23:59' }, 1)).toBe('Friday, January 1');
    expect(dateAfter({ iso: '2028-02-28T08:00' }, 1)).toBe('Tuesday, February 29');
    // 00:30 on the day New York's clocks fall back is 24.5 hours from the next midnight:
    // adding 24 hours would give the same date again.
    const fallBack = readClock(new Date('2026-11-01T04:30:00Z'), 'America/New_York');
    expect(fallBack.iso).toBe('2026-11-01T00:30');
    expect(dateAfter(fallBack, 1)).toBe('Monday, November 2');
    expect(() => dateAfter({ iso: 'soon' }, 1)).toThrow(/soon/);
  });
});

describe('get_time (tool.clock)', () => {
  it('answers for a place in the time zone the geocoder gives', async () => {
    const url = await fakeUrl();
    const tool = createClockTool({ geocodingBaseUrl: url, timeoutMs: 2000 }, () => FIXED_NOW);
    expect(await tool.execute({ location: 'Tokyo' }, run)).toMatchObject({
      location: 'Tokyo',
      country: 'Japan',
      timezone: 'Asia/Tokyo',
      time: '12:05 pm',
    });
    expect(fake!.requests.map((r) => r.split('?')[0])).toEqual(['/v1/search']);
  });

  it('answers for the server’s zone without a place, asking no one', async () => {
    const url = await fakeUrl();
    const tool = createClockTool({ geocodingBaseUrl: url, timeoutMs: 2000 }, () => FIXED_NOW);
    expect(await tool.execute({}, run)).toEqual(readClock(FIXED_NOW, serverTimeZone()));
    expect(fake!.requests).toEqual([]);
  });

  it('says what is wrong with bad arguments and unknown places', async () => {
    const url = await fakeUrl();
    const tool = createClockTool({ geocodingBaseUrl: url, timeoutMs: 2000 }, () => FIXED_NOW);
    await expect(tool.execute({ location: 42 }, run)).rejects.toThrow(/get_time takes/);
    await expect(tool.execute({ location: 'Atlantis' }, run)).rejects.toThrow(
      "no place called 'Atlantis' was found",
    );
  });
});

describe('get_weather (tool.weather) for tomorrow', () => {
  it('asks for the daily forecast in the place’s zone and reads tomorrow from it', async () => {
    const url = await fakeUrl();
    const tool = createWeatherTool({
      baseUrl: url,
      geocodingBaseUrl: url,
      units: 'celsius',
      timeoutMs: 2000,
    });
    expect(await tool.execute({ location: 'Tokyo', day: 'tomorrow' }, run)).toEqual({
      location: 'Tokyo',
      country: 'Japan',
      day: 'tomorrow',
      date: '2026-11-26',
      high: 21,
      low: 13,
      unit: 'degrees Celsius',
      description: 'light rain',
    });
    const forecast = new URL(fake!.requests.at(-1)!, 'http://x').searchParams;
    expect(forecast.get('daily')).toBe('temperature_2m_max,temperature_2m_min,weather_code');
    expect(forecast.get('timezone')).toBe('auto');
    expect(forecast.get('forecast_days')).toBe('2');
  });

  it('keeps today’s answer and request as they were', async () => {
    const url = await fakeUrl();
    const tool = createWeatherTool({
      baseUrl: url,
      geocodingBaseUrl: url,
      units: 'celsius',
      timeoutMs: 2000,
    });
    expect(await tool.execute({ location: 'Tokyo' }, run)).toMatchObject({
      temperature: 18,
      description: 'partly cloudy',
    });
    expect(new URL(fake!.requests.at(-1)!, 'http://x').searchParams.has('daily')).toBe(false);
    await expect(tool.execute({ location: 'Tokyo', day: 'yesterday' }, run)).rejects.toThrow(
      /get_weather needs .*"day"/,
    );
  });
});

describe('the default graph with the clock tool and the butler', () => {
  it('validates: tool.clock wires into llm.rules, style and voice are settings', () => {
    const graph = JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8'));
    const node = (id: string) => graph.nodes.find((n: { id: string }) => n.id === id);
    node('llm').config = { persona: 'Jeeves', style: 'butler' };
    node('tts').config = { voice: personaVoice('butler') };
    expect(node('clock').type).toBe('tool.clock');
    expect(graph.edges).toContainEqual({
      id: 'clock-llm',
      source: 'clock',
      target: 'llm',
      targetHandle: 'tools',
    });
    const result = validateGraph(graph, createDefaultRegistry());
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(personaVoice('butler')).toBe('awb');
    expect(personaVoice('friendly')).toBe('slt');
  });
});
