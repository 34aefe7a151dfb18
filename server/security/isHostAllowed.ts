import { isIP } from 'node:net';

/**
 * DNS rebinding defence: a hostile page can point its own domain at
 * 127.0.0.1 and then talk to a local Parley as "same origin". The Host
 * header gives it away — it names the attacker's domain — so only hosts the
 * server knows are answered: IP literals (rebinding needs a name), localhost
 * and `*.localhost`, and the names in ALLOWED_HOSTS (`name`, `.suffix` for a
 * domain and its subdomains, or `*` for any) and PUBLIC_URL's host.
 */
export function isHostAllowed(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  // HTTP/1.0 clients may send none; browsers always do, and browsers are who rebinding attacks.
  if (hostHeader === undefined) return true;
  const hostname = hostnameOf(hostHeader);
  if (hostname === undefined) return false;
  if (isIP(hostname) !== 0) return true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  for (const entry of allowed) {
    if (entry === '*' || entry === hostname) return true;
    if (entry.startsWith('.') && (hostname === entry.slice(1) || hostname.endsWith(entry)))
      return true;
  }
  return false;
}

/** Hostnames (lower case, no port) from ALLOWED_HOSTS and PUBLIC_URL. */
export function parseAllowedHosts(
  allowedHosts: string | undefined,
  publicUrl: string | undefined,
): string[] {
  const hosts = (allowedHosts ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (publicUrl) {
    try {
      hosts.push(new URL(publicUrl).hostname.toLowerCase());
    } catch {
      // an unparsable PUBLIC_URL adds nothing; the Twilio routes report it where they use it
    }
  }
  return hosts;
}

function hostnameOf(hostHeader: string): string | undefined {
  try {
    const { hostname } = new URL(`http://${hostHeader}`);
    // URL keeps IPv6 literals in brackets.
    return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return undefined;
  }
}
