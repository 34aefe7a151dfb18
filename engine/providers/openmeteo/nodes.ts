import { defineToolNode } from '../../graph/NodeRegistry.ts';
import { clockSettings, createClockTool } from './OpenMeteoClock.ts';
import { createWeatherTool, openMeteoSettings } from './OpenMeteoWeather.ts';

export const weatherToolNode = defineToolNode({
  type: 'tool.weather',
  category: 'tool',
  title: 'Weather (Open-Meteo)',
  description:
    'Current weather, or tomorrow’s forecast, for a place, from the free Open-Meteo API (no key).',
  config: openMeteoSettings,
  create: (config) => createWeatherTool(config),
});

export const clockToolNode = defineToolNode({
  type: 'tool.clock',
  category: 'tool',
  title: 'Local time (clock + Open-Meteo geocoder)',
  description:
    'The time and date in a named place: its time zone from the free Open-Meteo geocoder (no key), the time from this machine’s clock.',
  config: clockSettings,
  create: (config) => createClockTool(config),
});
