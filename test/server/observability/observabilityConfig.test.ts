import { describe, expect, it } from 'vitest';
import { observabilityFromEnv } from '../../../server/observability/observabilityConfig.ts';

describe('observabilityFromEnv', () => {
  it('turns nothing on by default', () => {
    expect(observabilityFromEnv({})).toEqual({ metrics: false, traces: undefined });
    expect(observabilityFromEnv({ PARLEY_METRICS: '0' }).metrics).toBe(false);
  });

  it('turns metrics on with PARLEY_METRICS=1 or true', () => {
    expect(observabilityFromEnv({ PARLEY_METRICS: '1' }).metrics).toBe(true);
    expect(observabilityFromEnv({ PARLEY_METRICS: 'true' }).metrics).toBe(true);
  });

  it('appends /v1/traces to the generic endpoint and takes the traces endpoint as it is', () => {
    expect(
      observabilityFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).traces,
    ).toEqual({ url: 'http://collector:4318/v1/traces', serviceName: 'parley' });
    expect(
      observabilityFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/ingest/traces',
        OTEL_SERVICE_NAME: 'voice-prod',
      }).traces,
    ).toEqual({ url: 'https://otel.example/ingest/traces', serviceName: 'voice-prod' });
  });

  it('stays off when OTEL_SDK_DISABLED=true, whatever the endpoint', () => {
    expect(
      observabilityFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_SDK_DISABLED: 'true',
      }).traces,
    ).toBeUndefined();
  });

  it('refuses unusable values, naming the variable', () => {
    expect(() => observabilityFromEnv({ PARLEY_METRICS: 'yes please' })).toThrow(
      /^PARLEY_METRICS=/,
    );
    expect(() => observabilityFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT=.*http\(s\) URL/,
    );
    expect(() => observabilityFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toThrow(
      /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=.*not a URL/,
    );
    expect(() =>
      observabilityFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toThrow(/^OTEL_EXPORTER_OTLP_PROTOCOL=.*OTLP\/HTTP only/);
  });
});
