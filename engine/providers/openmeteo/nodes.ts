import { defineToolNode } from '../../graph/NodeRegistry.ts';
import { createWeatherTool, openMeteoSettings } from './OpenMeteoWeather.ts';

export const weatherToolNode = defineToolNode({
  type: 'tool.weather',
  category: 'tool',
  title: 'Weather (Open-Meteo)',
  description: 'Current weather for a place, from the free Open-Meteo API (no key).',
  config: openMeteoSettings,
  create: (config) => createWeatherTool(config),
});
