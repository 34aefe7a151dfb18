import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopbackServer.ts';

export interface FakeOpenMeteoOptions {
  /** Places the geocoder knows, by lower-case name. */
  places?: Record<
    string,
    {
      name: string;
      latitude: number;
      longitude: number;
      country: string;
      temperature: number;
      weatherCode: number;
      /** IANA zone the geocoder reports; 'UTC' when absent. */
      timezone?: string;
      /** Tomorrow's daily forecast; absent: the same as now, ±3 degrees. */
      tomorrow?: { high: number; low: number; weatherCode: number };
    }
  >;
  /** Answer every request with this status instead. */
  failWith?: number;
  /** Delay before answering (ms). */
  delayMs?: number;
}

type FakePlace = NonNullable<FakeOpenMeteoOptions['places']>[string];

/**
 * Open-Meteo's answer to `daily=temperature_2m_max,temperature_2m_min,weather_code`
 * with `timezone=auto`: one entry per day from today, `forecast_days` of them (7 by default).
 */
function dailyForecast(place: FakePlace, url: URL) {
  const days = Number(url.searchParams.get('forecast_days') ?? 7);
  const tomorrow = place.tomorrow ?? {
    high: place.temperature + 3,
    low: place.temperature - 3,
    weatherCode: place.weatherCode,
  };
  const time = Array.from({ length: days }, (_, i) => `2026-11-${String(25 + i).padStart(2, '0')}`);
  const pick = (today: number, next: number) => time.map((_, i) => (i === 0 ? today : next));
  return {
    latitude: place.latitude,
    longitude: place.longitude,
    generationtime_ms: 0.1,
    utc_offset_seconds: 0,
    timezone: place.timezone ?? 'GMT',
    timezone_abbreviation: 'GMT',
    daily_units: {
      time: 'iso8601',
      temperature_2m_max: '°C',
      temperature_2m_min: '°C',
      weather_code: 'wmo code',
    },
    daily: {
      time,
      temperature_2m_max: pick(place.temperature + 2, tomorrow.high),
      temperature_2m_min: pick(place.temperature - 4, tomorrow.low),
      weather_code: pick(place.weatherCode, tomorrow.weatherCode),
    },
  };
}

/**
 * A local stand-in for Open-Meteo's geocoding (`/v1/search`) and forecast
 * (`/v1/forecast`) APIs, answering with their real JSON shapes. One server
 * plays both hosts.
 */
export class FakeOpenMeteo {
  readonly requests: string[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));

  constructor(private readonly options: FakeOpenMeteoOptions = {}) {}

  static readonly TOKYO = {
    name: 'Tokyo',
    latitude: 35.6895,
    longitude: 139.69171,
    country: 'Japan',
    temperature: 18.4,
    weatherCode: 2,
    timezone: 'Asia/Tokyo',
    tomorrow: { high: 21.3, low: 12.6, weatherCode: 61 },
  };

  static readonly PARIS = {
    name: 'Paris',
    latitude: 48.85341,
    longitude: 2.3488,
    country: 'France',
    temperature: 9.1,
    weatherCode: 3,
    timezone: 'Europe/Paris',
    tomorrow: { high: 11, low: 4.2, weatherCode: 0 },
  };

  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private places() {
    return this.options.places ?? { tokyo: FakeOpenMeteo.TOKYO };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(req.url ?? '');
    const respond = () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (this.options.failWith) {
        res
          .writeHead(this.options.failWith)
          .end(JSON.stringify({ error: true, reason: 'fake failure' }));
        return;
      }
      if (url.pathname === '/v1/search') {
        const place = this.places()[(url.searchParams.get('name') ?? '').toLowerCase()];
        const results = place
          ? [
              {
                id: 1,
                name: place.name,
                latitude: place.latitude,
                longitude: place.longitude,
                country: place.country,
                country_code: 'XX',
                timezone: place.timezone ?? 'UTC',
              },
            ]
          : undefined;
        res.end(JSON.stringify({ ...(results ? { results } : {}), generationtime_ms: 0.5 }));
        return;
      }
      if (url.pathname === '/v1/forecast') {
        const lat = Number(url.searchParams.get('latitude'));
        const place = Object.values(this.places()).find((p) => Math.abs(p.latitude - lat) < 1e-3);
        if (!place) {
          res.writeHead(400).end(JSON.stringify({ error: true, reason: 'unknown coordinates' }));
          return;
        }
        if (url.searchParams.has('daily')) {
          res.end(JSON.stringify(dailyForecast(place, url)));
          return;
        }
        res.end(
          JSON.stringify({
            latitude: place.latitude,
            longitude: place.longitude,
            generationtime_ms: 0.1,
            utc_offset_seconds: 0,
            timezone: 'GMT',
            current_units: {
              time: 'iso8601',
              interval: 'seconds',
              temperature_2m: '°C',
              weather_code: 'wmo code',
              wind_speed_10m: 'km/h',
            },
            current: {
              time: '2026-11-25T12:00',
              interval: 900,
              temperature_2m: place.temperature,
              weather_code: place.weatherCode,
              wind_speed_10m: 11.2,
            },
          }),
        );
        return;
      }
      res.writeHead(404).end(JSON.stringify({ error: true, reason: 'not found' }));
    };
    if (this.options.delayMs) setTimeout(respond, this.options.delayMs);
    else respond();
  }
}
