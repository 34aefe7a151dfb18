import { z } from 'zod';
import type { Tool } from '../../tools/Tool.ts';
import { type ClockReading, readClock, serverTimeZone } from './clockReading.ts';
import { geocode } from './geocode.ts';

/** The `tool.clock` node's config. */
export const clockSettings = z.object({
  geocodingBaseUrl: z
    .url()
    .default('https://geocoding-api.open-meteo.com')
    .describe('Open-Meteo geocoding API base URL: finds a place’s time zone'),
  timeoutMs: z.number().int().min(100).max(30_000).default(4000),
});

export type ClockSettings = z.output<typeof clockSettings>;

export interface PlaceTime extends ClockReading {
  /** The place as the geocoder named it; absent for the server's own clock. */
  location?: string;
  country?: string;
}

const argsSchema = z.object({
  location: z
    .string()
    .min(1)
    .optional()
    .describe('City or place name; leave out for the time where the server is'),
});

/**
 * The local time and date in a named place: the geocoder gives the place's
 * IANA time zone, the machine's clock and Intl do the rest (no time API).
 * `now` is injectable so tests can fix the moment.
 */
export function createClockTool(options: ClockSettings, now: () => Date = () => new Date()): Tool {
  return {
    name: 'get_time',
    description:
      'Get the current local time and date in a city or place, or where the server is when no place is given.',
    parameters: z.toJSONSchema(argsSchema) as Record<string, unknown>,
    timeoutMs: options.timeoutMs,
    execute: async (args, { signal }): Promise<PlaceTime> => {
      const parsed = argsSchema.safeParse(args ?? {});
      if (!parsed.success)
        throw new Error(
          `get_time takes {"location"?: "<place>"}: ${parsed.error.issues[0]?.message}`,
        );
      const { location } = parsed.data;
      if (!location) return readClock(now(), serverTimeZone());
      const place = await geocode(location, options.geocodingBaseUrl, signal);
      if (!place.timezone) throw new Error(`the geocoder gave no time zone for '${place.name}'`);
      return { location: place.name, country: place.country, ...readClock(now(), place.timezone) };
    },
  };
}
