const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * WebSocket origin check: browsers send `Origin`, and without a check any web
 * page the user visits could open a session on a local server (cross-site
 * WebSocket hijacking). Clients that are not browsers send no Origin and pass.
 * Allowed: same origin as the Host header, any localhost origin, and the
 * origins listed in ALLOWED_ORIGINS (comma-separated, `*` for any).
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host && url.host === host) return true;
  return LOCAL_HOSTS.has(url.hostname);
}

export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
