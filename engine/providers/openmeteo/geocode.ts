import { z } from 'zod';

/** What both Open-Meteo tools need of a place. */
export interface GeocodedPlace {
  name: string;
  country: string;
  latitude: number;
  longitude: number;
  /** IANA time zone ('Asia/Tokyo'), as the geocoder reports it; absent for a few places. */
  timezone?: string;
}

const geocodingResponse = z.object({
  results: z
    .array(
      z.object({
        name: z.string(),
        latitude: z.number(),
        longitude: z.number(),
        country: z.string().optional(),
        timezone: z.string().optional(),
      }),
    )
    .optional(),
});

export async function getJson(url: URL, signal: AbortSignal, what: string): Promise<unknown> {
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

/** The best match for a place name from Open-Meteo's geocoding API (`/v1/search`). Throws when there is none. */
export async function geocode(
  location: string,
  geocodingBaseUrl: string,
  signal: AbortSignal,
): Promise<GeocodedPlace> {
  const url = new URL('/v1/search', geocodingBaseUrl);
  url.search = new URLSearchParams({
    name: location,
    count: '1',
    language: 'en',
    format: 'json',
  }).toString();
  const places = geocodingResponse.parse(await getJson(url, signal, 'geocoding')).results ?? [];
  const place = places[0];
  if (!place) throw new Error(`no place called '${location}' was found`);
  return { ...place, country: place.country ?? '' };
}
