import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
    }
  >;
  /** Answer every request with this status instead. */
  failWith?: number;
  /** Delay before answering (ms). */
  delayMs?: number;
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
  };

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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
                timezone: 'UTC',
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
