/**
 * Base URLs as the endpoint policy compares them: parsed by the WHATWG URL
 * parser (the one Node, the OpenAI SDK and `ws` use, so what is checked is
 * what gets dialled), compared by scheme, host and port and then by path
 * prefix on segment boundaries. Never by string prefix:
 * `https://api.openai.com.evil.example` and `https://api.openai.com@evil.example`
 * both start with `https://api.openai.com`.
 */

/** ws(s) is the same connection as http(s) after the upgrade: a key allowed over one may use the other, never a downgrade to plain text. */
const TRANSPORT_OF_SCHEME: Readonly<Record<string, 'http:' | 'https:'>> = {
  'http:': 'http:',
  'ws:': 'http:',
  'https:': 'https:',
  'wss:': 'https:',
};

const ENCODED_SEPARATOR = /%2e|%2f|%5c/i;

export interface EndpointUrl {
  /** `http:` or `https:` (ws: and wss: map to them). */
  transport: 'http:' | 'https:';
  /** hostname[:port] as the parser normalises it: lower case, punycode, IPv4 in dotted form, default ports dropped. */
  host: string;
  /** The path with a trailing slash, so `/v1` never covers `/v1-evil`. */
  path: string;
  /** scheme://host/path without trailing slash: what a node dials and what messages show (never user info or query). */
  href: string;
}

export type ParsedEndpoint =
  | { ok: true; url: EndpointUrl }
  | { ok: false; reason: string; shown: string };

/** Parses a base URL a key may be sent to; refuses anything that is not a plain http(s)/ws(s) origin plus path. */
export function parseEndpointUrl(text: string): ParsedEndpoint {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, reason: 'not a URL', shown: trimmed };
  }
  const transport = TRANSPORT_OF_SCHEME[url.protocol];
  if (!transport)
    return {
      ok: false,
      reason: `scheme ${url.protocol} is not http(s) or ws(s)`,
      shown: url.host ? `${url.protocol}//${url.host}` : url.protocol,
    };
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const href = `${url.protocol}//${url.host}${path.replace(/\/+$/, '')}`;
  // The user info is the classic disguise (`https://api.openai.com@evil.example` is evil.example); never echo it.
  if (url.username || url.password)
    return { ok: false, reason: 'a URL with user info (user@host) is never allowed', shown: href };
  if (url.search || url.hash)
    return { ok: false, reason: 'a base URL has no query or fragment', shown: href };
  if (!url.hostname) return { ok: false, reason: 'no host', shown: href };
  // The parser resolves `..` and `%2e%2e`, but not `..%2f`: a server that decodes before it routes would step out of the prefix.
  if (ENCODED_SEPARATOR.test(url.pathname))
    return {
      ok: false,
      reason: 'an encoded dot, slash or backslash in the path is never allowed',
      shown: href,
    };
  return { ok: true, url: { transport, host: url.host, path, href } };
}

/** Whether `candidate` is at or below `allowed`: same transport, host and port, and a path inside allowed's. */
export function endpointCovers(allowed: EndpointUrl, candidate: EndpointUrl): boolean {
  return (
    allowed.transport === candidate.transport &&
    allowed.host === candidate.host &&
    candidate.path.startsWith(allowed.path)
  );
}
