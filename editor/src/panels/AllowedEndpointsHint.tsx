/**
 * Under a node's base-URL field: the endpoints this server sends the node's
 * key to (the server decides, not the graph; see docs/endpoints.md). Each is
 * a button that puts it in the field, and a value the server would refuse is
 * flagged here, before a session refuses to start over it.
 */
import {
  type AllowedEndpoint,
  endpointCovers,
  type NodeEndpoints,
  parseEndpointUrl,
} from '#engine/browser';

/** Mirrors the server's check (EndpointPolicy) closely enough for a hint; the server still decides. */
function isAllowed(value: unknown, endpoints: readonly AllowedEndpoint[]): boolean {
  if (value === undefined || value === '') return endpoints.some((e) => e.isDefault);
  if (typeof value !== 'string') return false;
  if (endpoints.some((e) => e.name === value.trim())) return true;
  const candidate = parseEndpointUrl(value);
  return (
    candidate.ok &&
    endpoints.some((e) => {
      const allowed = parseEndpointUrl(e.url);
      return allowed.ok && endpointCovers(allowed.url, candidate.url);
    })
  );
}

export interface AllowedEndpointsHintProps {
  endpoints: NodeEndpoints;
  /** The key that travels there, e.g. OPENAI_API_KEY. */
  credentials: readonly string[];
  value: unknown;
  onPick(value: string | undefined): void;
}

export function AllowedEndpointsHint({
  endpoints,
  credentials,
  value,
  onPick,
}: AllowedEndpointsHintProps) {
  const allowed = isAllowed(value, endpoints.endpoints);
  return (
    <div className="allowed-endpoints field-help" data-testid="allowed-endpoints">
      {!allowed && (
        <div className="field-error" data-testid="endpoint-refused">
          This server does not send {credentials.join(', ')} there: sessions of this graph will
          refuse to start.
        </div>
      )}
      <div>This server sends {credentials.join(', ')} only to (click to use):</div>
      <ul>
        {endpoints.endpoints.map((e) => (
          <li key={`${e.name ?? ''}=${e.url}`}>
            <button
              type="button"
              className="link-button"
              data-testid={`endpoint-${e.name ?? e.url}`}
              onClick={() => onPick(e.isDefault ? undefined : (e.name ?? e.url))}
            >
              {e.name ? `${e.name} → ` : ''}
              <code>{e.url}</code>
            </button>
            {e.isDefault ? ' (default when empty)' : ''}
          </li>
        ))}
      </ul>
      {endpoints.ignored.length > 0 && (
        <div className="field-error">Server settings ignored: {endpoints.ignored.join('; ')}</div>
      )}
      <div>
        More are allowed by the server’s PARLEY_ALLOWED_ENDPOINTS (name=url, comma-separated).
      </div>
    </div>
  );
}
