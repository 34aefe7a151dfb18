import { DeepgramClient } from '@deepgram/sdk';

/**
 * Deepgram's own streaming host, as the SDK dials it by default. https:// is
 * the same host to the endpoint policy (ws(s) and http(s) are one family).
 */
export const DEFAULT_DEEPGRAM_BASE_URL = 'wss://api.deepgram.com';

/** Where and as whom to reach Deepgram. `baseUrl` empty = Deepgram's own hosts (wss:// for streaming, https:// for REST). */
export interface DeepgramConnection {
  apiKey: string;
  baseUrl: string;
}

export type DeepgramListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;
export type DeepgramSpeakSocket = Awaited<ReturnType<DeepgramClient['speak']['v1']['connect']>>;

/**
 * An SDK client for one processor. A self-hosted Deepgram or a test fake is
 * reached through `baseUrl` (http(s):// or ws(s)://, the SDK picks the
 * protocol per call); the endpoint policy has checked it before this runs.
 *
 * A provider that breaks the protocol (bad UTF-8, bad opcode, oversized
 * frame, TCP reset) cannot end the process through these sockets: the SDK
 * (5.x, core/websocket/ws) puts its 'error' listener on the `ws` socket as
 * it creates it, and on an error closes it with a no-op listener left on, so
 * we see 'close' then 'error' (test/providers/providerSocketFaults.test.ts).
 * It offers no maxPayload, so `ws`'s 100 MiB default applies.
 */
export function createDeepgramClient(connection: DeepgramConnection): DeepgramClient {
  const baseUrl = connection.baseUrl.trim().replace(/\/+$/, '');
  return new DeepgramClient({ apiKey: connection.apiKey, ...(baseUrl ? { baseUrl } : {}) });
}
