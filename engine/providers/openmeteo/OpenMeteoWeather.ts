import { z } from 'zod';
import type { Tool } from '../../tools/Tool.ts';
import { type GeocodedPlace, geocode, getJson } from './geocode.ts';
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

/** Tomorrow's forecast: the day's range and its most significant weather. */
export interface DailyForecast {
  location: string;
  country: string;
  day: 'tomorrow';
  /** The forecast's date in the place's own time zone, YYYY-MM-DD. */
  date: string;
  high: number;
  low: number;
  unit: string;
  description: string;
}

const currentResponse = z.object({
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

const dailyResponse = z.object({
  daily: z.object({
    time: z.array(z.string()),
    temperature_2m_max: z.array(z.number()),
    temperature_2m_min: z.array(z.number()),
    weather_code: z.array(z.number()),
  }),
});

const argsSchema = z.object({
  location: z.string().min(1).describe('City or place name'),
  day: z
    .enum(['today', 'tomorrow'])
    .optional()
    .describe('today (the default): current conditions; tomorrow: the day’s forecast'),
});

function unitName(units: OpenMeteoSettings['units']): string {
  return units === 'fahrenheit' ? 'degrees Fahrenheit' : 'degrees Celsius';
}

function forecastUrl(
  place: GeocodedPlace,
  options: OpenMeteoSettings,
  query: Record<string, string>,
) {
  const url = new URL('/v1/forecast', options.baseUrl);
  url.search = new URLSearchParams({
    latitude: String(place.latitude),
    longitude: String(place.longitude),
    ...query,
    temperature_unit: options.units,
  }).toString();
  return url;
}

/** Current weather for a place name: Open-Meteo geocoding, then its forecast API. Free, no key. */
export async function currentWeather(
  location: string,
  options: OpenMeteoSettings,
  signal: AbortSignal,
): Promise<CurrentWeather> {
  const place = await geocode(location, options.geocodingBaseUrl, signal);
  const url = forecastUrl(place, options, {
    current: 'temperature_2m,weather_code,wind_speed_10m',
  });
  const forecast = currentResponse.parse(await getJson(url, signal, 'weather'));
  return {
    location: place.name,
    country: place.country,
    temperature: Math.round(forecast.current.temperature_2m),
    unit: unitName(options.units),
    description: describeWeatherCode(forecast.current.weather_code),
    windSpeed: Math.round(forecast.current.wind_speed_10m),
    windUnit: forecast.current_units?.wind_speed_10m ?? 'km/h',
  };
}

/**
 * Tomorrow's forecast for a place name. Days are the place's own
 * (`timezone=auto`): "tomorrow" in Tokyo starts hours before it does in London.
 */
export async function tomorrowsForecast(
  location: string,
  options: OpenMeteoSettings,
  signal: AbortSignal,
): Promise<DailyForecast> {
  const place = await geocode(location, options.geocodingBaseUrl, signal);
  const url = forecastUrl(place, options, {
    daily: 'temperature_2m_max,temperature_2m_min,weather_code',
    timezone: 'auto',
    forecast_days: '2',
  });
  const { daily } = dailyResponse.parse(await getJson(url, signal, 'weather'));
  const tomorrow = 1;
  if (daily.time.length <= tomorrow)
    throw new Error('the weather service sent no forecast for tomorrow');
  return {
    location: place.name,
    country: place.country,
    day: 'tomorrow',
    date: daily.time[tomorrow],
    high: Math.round(daily.temperature_2m_max[tomorrow]),
    low: Math.round(daily.temperature_2m_min[tomorrow]),
    unit: unitName(options.units),
    description: describeWeatherCode(daily.weather_code[tomorrow]),
  };
}

export function createWeatherTool(options: OpenMeteoSettings): Tool {
  return {
    name: 'get_weather',
    description: 'Get the current weather, or tomorrow’s forecast, for a city or place name.',
    parameters: z.toJSONSchema(argsSchema) as Record<string, unknown>,
    timeoutMs: options.timeoutMs,
    execute: async (args, { signal }) => {
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success)
        throw new Error(
          `get_weather needs {"location": "<place>", "day"?: "today" | "tomorrow"}: ${parsed.error.issues[0]?.message}`,
        );
      const { location, day } = parsed.data;
      return day === 'tomorrow'
        ? tomorrowsForecast(location, options, signal)
        : currentWeather(location, options, signal);
    },
  };
}
