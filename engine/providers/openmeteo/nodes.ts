import { z } from 'zod';
import { defineToolNode } from '../../graph/NodeRegistry.ts';
import { createWeatherTool } from './OpenMeteoWeather.ts';

export const weatherToolNode = defineToolNode({
  type: 'tool.weather',
  category: 'tool',
  title: 'Weather (Open-Meteo)',
  description: 'Current weather for a place, from the free Open-Meteo API (no key).',
  config: z.object({
    baseUrl: z.url().default('https://api.open-meteo.com').describe('Forecast API base URL'),
    geocodingBaseUrl: z.url().default('https://geocoding-api.open-meteo.com').describe('Geocoding API base URL'),
    units: z.enum(['celsius', 'fahrenheit']).default('celsius'),
    timeoutMs: z.number().int().min(100).max(30_000).default(4000),
  }),
  create: (config) => createWeatherTool(config),
});
