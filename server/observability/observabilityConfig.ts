/**
 * Whether this server exports Prometheus metrics and OpenTelemetry traces, read
 * from the environment. Both are off unless configured: a server nobody scrapes
 * should not pay for either. Traces use the standard OTel variables, so an
 * existing collector set-up (Kubernetes operator, sidecar) switches them on.
 */

export interface TraceExportConfig {
  /** The OTLP/HTTP traces URL, `…/v1/traces`. */
  url: string;
  serviceName: string;
}

export interface ObservabilityConfig {
  metrics: boolean;
  /** Undefined: traces are off. */
  traces: TraceExportConfig | undefined;
}

export const DEFAULT_SERVICE_NAME = 'parley';

type Env = Record<string, string | undefined>;

/** Throws an Error naming the variable when a value is set but unusable. */
export function observabilityFromEnv(env: Env): ObservabilityConfig {
  return { metrics: readSwitch(env, 'PARLEY_METRICS'), traces: readTraceExport(env) };
}

const ON = new Set(['1', 'true', 'on', 'yes']);
const OFF = new Set(['', '0', 'false', 'off', 'no']);

function readSwitch(env: Env, variable: string): boolean {
  const raw = env[variable];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw new Error(`${variable}=${JSON.stringify(raw.slice(0, 40))} must be 1 or 0`);
}

function readTraceExport(env: Env): TraceExportConfig | undefined {
  // The OTel spec's kill switch wins over any endpoint.
  if (readSwitch(env, 'OTEL_SDK_DISABLED')) return undefined;
  const url = tracesUrl(env);
  if (url === undefined) return undefined;
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    ''
  ).trim();
  if (protocol !== '' && !protocol.startsWith('http/')) {
    const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
      ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new Error(
      `${variable}=${JSON.stringify(protocol.slice(0, 40))}: Parley exports traces over OTLP/HTTP only (port 4318 on a collector); use http/json or unset it`,
    );
  }
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME;
  return { url, serviceName };
}

/** The signal-specific variable is used as is; the generic one gets `/v1/traces` appended (OTLP exporter spec). */
function tracesUrl(env: Env): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific);
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!generic) return undefined;
  const base = checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', generic);
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function checkedUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${variable}=${JSON.stringify(raw.slice(0, 80))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${variable}=${JSON.stringify(raw.slice(0, 80))} must be an http(s) URL`);
  return raw;
}
