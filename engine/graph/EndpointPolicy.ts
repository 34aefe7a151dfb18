/**
 * Where a node may send the server's API keys. A graph is data anyone with
 * the editor can change; the keys are the server's. So the hosts a key may
 * go to come from the server's environment only:
 *
 * - the provider's own base URLs, declared by the node type (api.openai.com);
 * - the provider's base-URL variable, when the type names one (OPENAI_BASE_URL):
 *   also what a node with an empty base URL uses;
 * - PARLEY_ALLOWED_ENDPOINTS: `url,url` or `name=url,name=url` (a graph may
 *   write the name instead of the URL). Every key a node sends may go to
 *   these: list only hosts you trust with all of them.
 *
 * A graph URL is allowed when an allowed one covers it (same scheme family,
 * host and port, path at or below; see EndpointUrl). The check runs where
 * the node is built, before any client exists, so nothing is ever sent to a
 * refused host. See docs/endpoints.md.
 */
import { type EndpointUrl, endpointCovers, parseEndpointUrl } from './EndpointUrl.ts';
import { EndpointNotAllowedError } from './NodeEnvironmentError.ts';

const ALLOWED_ENDPOINTS_ENV = 'PARLEY_ALLOWED_ENDPOINTS';

/** A named endpoint: starts with a letter, no dot or colon, so it never reads as a host or a URL. */
export const ENDPOINT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Declared by a node type whose credentials travel to a configurable URL. */
export interface EndpointDeclaration<K extends string = string> {
  /** The config key holding the base URL: a URL, the name of an allowed endpoint, or empty for the default. */
  configKey: K;
  /** The provider's own base URLs; the first is the default when the server names none. */
  defaults: readonly [string, ...string[]];
  /** The server's base URL for this provider (e.g. OPENAI_BASE_URL): always allowed, and the default when set. */
  serverBaseUrlEnv?: string;
}

/** One place the server sends keys to. URLs are not secrets: the editor shows them. */
export interface AllowedEndpoint {
  /** Set for `name=url` entries of PARLEY_ALLOWED_ENDPOINTS: what a graph may write instead of the URL. */
  name?: string;
  url: string;
  /** 'provider' for the provider's own, else the variable that allows it. */
  source: string;
  /** What an empty config uses. */
  isDefault?: true;
}

export interface AllowedEndpoints {
  endpoints: AllowedEndpoint[];
  /** Server settings that could not be used, with why (shown, never silently dropped). */
  ignored: string[];
}

interface Entry {
  endpoint: AllowedEndpoint;
  url: EndpointUrl;
}

interface Policy {
  entries: Entry[];
  ignored: string[];
  /** Why an empty config has no default (the server's base URL variable is unusable). */
  noDefault?: string;
}

const NAMED_ENTRY = /^([A-Za-z][A-Za-z0-9_-]{0,63})=(.*)$/;

function readAllowList(text: string | undefined): { entries: Entry[]; ignored: string[] } {
  const entries: Entry[] = [];
  const ignored: string[] = [];
  for (const raw of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // `name=url`; a bare URL may itself contain '=' in its path, so only a valid name before it counts.
    const named = NAMED_ENTRY.exec(raw);
    const name = named?.[1];
    const parsed = parseEndpointUrl(named ? named[2] : raw);
    const label = `${ALLOWED_ENDPOINTS_ENV} entry ${name ? `${name}=` : ''}${parsed.ok ? parsed.url.href : parsed.shown}`;
    if (!parsed.ok) ignored.push(`${label}: ${parsed.reason}`);
    else if (name && entries.some((e) => e.endpoint.name === name))
      ignored.push(`${label}: the name ${name} is used twice`);
    else
      entries.push({
        endpoint: {
          ...(name ? { name } : {}),
          url: parsed.url.href,
          source: ALLOWED_ENDPOINTS_ENV,
        },
        url: parsed.url,
      });
  }
  return { entries, ignored };
}

function readPolicy(
  declaration: EndpointDeclaration,
  env: Record<string, string | undefined>,
): Policy {
  const entries: Entry[] = [];
  const ignored: string[] = [];
  let noDefault: string | undefined;
  const serverVariable = declaration.serverBaseUrlEnv;
  const serverUrl = serverVariable ? env[serverVariable]?.trim() : undefined;
  if (serverVariable && serverUrl) {
    const parsed = parseEndpointUrl(serverUrl);
    if (parsed.ok)
      entries.push({
        endpoint: { url: parsed.url.href, source: serverVariable, isDefault: true },
        url: parsed.url,
      });
    else {
      // The server meant another host: falling back to the provider's would send keys where it chose not to.
      noDefault = `${serverVariable} is set but unusable: ${parsed.reason}`;
      ignored.push(noDefault);
    }
  }
  declaration.defaults.forEach((text, i) => {
    const parsed = parseEndpointUrl(text);
    if (!parsed.ok)
      throw new Error(`endpoint declaration: default ${text} is unusable: ${parsed.reason}`);
    const isDefault = i === 0 && !serverUrl;
    entries.push({
      endpoint: { url: parsed.url.href, source: 'provider', ...(isDefault ? { isDefault } : {}) },
      url: parsed.url,
    });
  });
  const list = readAllowList(env[ALLOWED_ENDPOINTS_ENV]);
  return {
    entries: [...entries, ...list.entries],
    ignored: [...ignored, ...list.ignored],
    noDefault,
  };
}

/** The endpoints a node type's credentials may go to on this server (for the editor). */
export function allowedEndpoints(
  declaration: EndpointDeclaration,
  env: Record<string, string | undefined>,
): AllowedEndpoints {
  const policy = readPolicy(declaration, env);
  return { endpoints: policy.entries.map((e) => e.endpoint), ignored: policy.ignored };
}

export interface EndpointCheck {
  nodeId: string;
  /** The credential variables the node sends, e.g. ['OPENAI_API_KEY']. */
  variables: readonly string[];
  declaration: EndpointDeclaration;
  /** The node's config value at `declaration.configKey`. */
  configured: unknown;
}

/**
 * The base URL a node may use: the default for an empty value, the URL of a
 * named endpoint, or the graph's URL when an allowed endpoint covers it (in
 * normalised form, so the URL dialled is the URL checked). Throws
 * EndpointNotAllowedError, saying what is allowed and how to allow more.
 */
export function resolveEndpoint(
  check: EndpointCheck,
  env: Record<string, string | undefined>,
): string {
  const policy = readPolicy(check.declaration, env);
  const key = check.declaration.configKey;
  const variable = check.variables.join(' and ');
  const refuse = (requested: string, what: string, advice = ''): never => {
    const allowed = policy.entries
      .map((e) => (e.endpoint.name ? `${e.endpoint.name}=${e.endpoint.url}` : e.endpoint.url))
      .join(', ');
    const ignored = policy.ignored.length > 0 ? ` (ignored: ${policy.ignored.join('; ')})` : '';
    throw new EndpointNotAllowedError(
      check.nodeId,
      variable,
      key,
      requested,
      `node '${check.nodeId}': ${what}; allowed: ${allowed}${ignored}${advice}`,
    );
  };

  if (check.configured !== undefined && typeof check.configured !== 'string')
    return refuse('?', `${key} is not a string`);
  const configured = (check.configured ?? '').trim();
  if (configured === '') {
    const fallback = policy.entries.find((e) => e.endpoint.isDefault);
    return fallback
      ? fallback.endpoint.url
      : refuse('', `${key} is empty and ${policy.noDefault ?? 'there is no default'}`);
  }
  if (ENDPOINT_NAME.test(configured)) {
    const named = policy.entries.find((e) => e.endpoint.name === configured);
    return named
      ? named.endpoint.url
      : refuse(
          configured,
          `${key} '${configured}' names no endpoint in ${ALLOWED_ENDPOINTS_ENV}`,
          ` — add ${configured}=<base URL> to ${ALLOWED_ENDPOINTS_ENV}`,
        );
  }
  const parsed = parseEndpointUrl(configured);
  if (!parsed.ok)
    return refuse(
      parsed.shown,
      `${key} ${parsed.shown} is not an endpoint this server sends ${variable} to (${parsed.reason})`,
    );
  if (policy.entries.some((e) => endpointCovers(e.url, parsed.url))) return parsed.url.href;
  return refuse(
    parsed.url.href,
    `${key} ${parsed.url.href} is not an endpoint this server sends ${variable} to`,
    ` — add it to ${ALLOWED_ENDPOINTS_ENV}`,
  );
}
