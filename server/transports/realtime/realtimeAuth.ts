import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TokenAuth } from '../../security/TokenAuth.ts';

export const REALTIME_PATH = '/v1/realtime';
export const REALTIME_SUBPROTOCOL = 'realtime';
/** How browsers authenticate to the Realtime API: they cannot set headers on a WebSocket. */
const API_KEY_PREFIX = 'openai-insecure-api-key.';

function offeredSubprotocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * PARLEY_TOKEN on `/v1/realtime`: whatever the rest of the server accepts
 * (`Authorization: Bearer` — what the `openai` SDK and `@openai/agents-realtime`
 * send from Node — cookie, `?token=`), plus the browser form
 * `openai-insecure-api-key.<token>` among the offered subprotocols.
 */
export function isRealtimeUpgradeAuthorized(
  req: IncomingMessage,
  url: URL,
  auth: TokenAuth,
  token: string | undefined,
): boolean {
  if (auth.checkUpgrade(req, url)) return true;
  if (!token) return false;
  const expected = Buffer.from(token);
  return offeredSubprotocols(req).some((p) => {
    if (!p.startsWith(API_KEY_PREFIX)) return false;
    const given = Buffer.from(p.slice(API_KEY_PREFIX.length));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * The `handleProtocols` of the server's WebSocketServer: picks `realtime` when
 * offered (the browser Realtime clients require it back), never echoes a
 * subprotocol that carries a key, otherwise the first offered.
 */
export function selectSubprotocol(protocols: Set<string>): string | false {
  if (protocols.has(REALTIME_SUBPROTOCOL)) return REALTIME_SUBPROTOCOL;
  for (const p of protocols) if (!p.startsWith(API_KEY_PREFIX)) return p;
  return false;
}
