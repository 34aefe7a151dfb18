import { z } from 'zod';
import type { Tool } from '../../tools/Tool.ts';
import { describeWeatherCode } from './weatherCodes.ts';

/** The `tool.weather` node's config. */
export const openMeteoSettings = z.object({
  baseUrl: z.url().default('https://api.open-meteo.com').describe('Forecast API base URL'),
  geocodingBaseUrl: z
    .url()
    .default('https://geocoding-api.open-meteo.com')
    .describe('Geocoding API base URL'),
  units: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  timeoutMs: z.number().int().min(100).max(30_000).default(4000),
});

export type OpenMeteoSettings = z.output<typeof openMeteoSettings>;

export interface CurrentWeather {
  location: string;
  country: string;
  temperature: number;
  unit: string;
  description: string;
  windSpeed: number;
  windUnit: string;
}

const geocodingResponse = z.object({
  results: z
    .array(
      z.object({
        name: z.string(),
        latitude: z.number(),
        longitude: z.number(),
        country: z.string().optional(),
      }),
    )
    .optional(),
});

const forecastResponse = z.object({
  current: z.object({
    temperature_2m: z.number(),
    weather_code: z.number(),
    wind_speed_10m: z.number(),
  }),
  current_units: z
    .object({ temperature_2m: z.string(), wind_speed_10m: z.string() })
    .partial()
    .optional(),
});

const argsSchema = z.object({ location: z.string().min(1) });

async function getJson(url: URL, signal: AbortSignal, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`could not reach the ${what} service at ${url.origin}`);
  }
  if (!response.ok) throw new Error(`the ${what} service answered HTTP ${response.status}`);
  return response.json();
}

/** Current weather for a place name: Open-Meteo geocoding, then its forecast API. Free, no key. */
export async function currentWeather(
  location: string,
  options: OpenMeteoSettings,
  signal: AbortSignal,
): Promise<CurrentWeather> {
  const geoUrl = new URL('/v1/search', options.geocodingBaseUrl);
  geoUrl.search = new URLSearchParams({
    name: location,
    count: '1',
    language: 'en',
    format: 'json',
  }).toString();
  const places = geocodingResponse.parse(await getJson(geoUrl, signal, 'geocoding')).results ?? [];
  const place = places[0];
  if (!place) throw new Error(`no place called '${location}' was found`);

  const url = new URL('/v1/forecast', options.baseUrl);
  url.search = new URLSearchParams({
    latitude: String(place.latitude),
    longitude: String(place.longitude),
    current: 'temperature_2m,weather_code,wind_speed_10m',
    temperature_unit: options.units,
  }).toString();
  const forecast = forecastResponse.parse(await getJson(url, signal, 'weather'));
  return {
    location: place.name,
    country: place.country ?? '',
    temperature: Math.round(forecast.current.temperature_2m),
    unit: options.units === 'fahrenheit' ? 'degrees Fahrenheit' : 'degrees Celsius',
    description: describeWeatherCode(forecast.current.weather_code),
    windSpeed: Math.round(forecast.current.wind_speed_10m),
    windUnit: forecast.current_units?.wind_speed_10m ?? 'km/h',
  };
}

export function createWeatherTool(options: OpenMeteoSettings): Tool {
  return {
    name: 'get_weather',
    description: 'Get the current weather for a city or place name.',
    parameters: z.toJSONSchema(argsSchema) as Record<string, unknown>,
    timeoutMs: options.timeoutMs,
    execute: async (args, { signal }) => {
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success)
        throw new Error(
          `get_weather needs {"location": "<place>"}: ${parsed.error.issues[0]?.message}`,
        );
      return currentWeather(parsed.data.location, options, signal);
    },
  };
}
