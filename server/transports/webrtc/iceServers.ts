import type { RTCIceServer } from 'werift';

/**
 * STUN/TURN servers for the server's own peer connections, from
 * `PARLEY_ICE_SERVERS`: a JSON array of `{ urls, username?, credential? }`
 * (`urls` a string or an array of strings). Unset means host candidates
 * only, which is enough on a LAN or loopback. Throws with a message naming
 * the problem, so a bad deployment fails at start-up rather than per call.
 */
export function iceServersFromEnv(raw: string | undefined): RTCIceServer[] {
  if (raw === undefined || raw.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('PARLEY_ICE_SERVERS is not valid JSON');
  }
  if (!Array.isArray(value)) throw new Error('PARLEY_ICE_SERVERS must be a JSON array');
  return value.flatMap((entry, i): RTCIceServer[] => {
    if (typeof entry !== 'object' || entry === null)
      throw new Error(`PARLEY_ICE_SERVERS[${i}] must be an object`);
    const { urls, username, credential } = entry as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string'))
      throw new Error(`PARLEY_ICE_SERVERS[${i}].urls must be a string or an array of strings`);
    if (username !== undefined && typeof username !== 'string')
      throw new Error(`PARLEY_ICE_SERVERS[${i}].username must be a string`);
    if (credential !== undefined && typeof credential !== 'string')
      throw new Error(`PARLEY_ICE_SERVERS[${i}].credential must be a string`);
    // werift takes one URL per entry.
    return list.map((url) => ({ urls: url, username, credential }));
  });
}
