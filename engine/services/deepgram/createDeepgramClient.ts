import { DeepgramClient } from '@deepgram/sdk';

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
 * protocol per call).
 */
export function createDeepgramClient(connection: DeepgramConnection): DeepgramClient {
  const baseUrl = connection.baseUrl.trim().replace(/\/+$/, '');
  return new DeepgramClient({ apiKey: connection.apiKey, ...(baseUrl ? { baseUrl } : {}) });
}
