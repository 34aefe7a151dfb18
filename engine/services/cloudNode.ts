import { z } from 'zod';
import { ENDPOINT_NAME } from '../graph/EndpointPolicy.ts';
import type { NodeCreateContext } from '../graph/NodeRegistry.ts';

/**
 * What every node backed by a cloud provider shares. Each names its API key as
 * an environment variable: a graph holds no secrets, and a session refuses to
 * start without the key, naming the variable. Where the key may be sent is the
 * server's decision (EndpointPolicy): `baseUrl` picks among the endpoints the
 * server allows, and nodes dial `ctx.endpoint`, the checked URL, never their
 * raw config.
 */

/** A base URL, the name of one in PARLEY_ALLOWED_ENDPOINTS, or empty for the server's default. */
export const endpointField = (description: string) =>
  z
    .union([
      z.literal(''),
      z.url(),
      z.string().regex(ENDPOINT_NAME, 'must be a URL or the name of an endpoint the server allows'),
    ])
    .default('')
    .describe(description);

/** The key, and the base URL the endpoint policy checked (never the config's raw value). */
export function checkedConnection(
  ctx: NodeCreateContext,
  variable: string,
): { apiKey: string; baseUrl: string } {
  if (ctx.endpoint === undefined) {
    throw new Error(`node '${ctx.nodeId}' was built without an endpoint check`);
  }
  return { apiKey: ctx.credentials[variable], baseUrl: ctx.endpoint };
}
