import Anthropic from '@anthropic-ai/sdk';

/** Anthropic's own API (the SDK adds `/v1/messages`); other hosts get the key only when the server allows them. */
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Where and as whom to reach the Messages API. */
export interface AnthropicConnection {
  apiKey: string;
  baseUrl: string;
}

/**
 * An SDK client for one processor. The SDK's retries are off because ours run
 * on the processor's clock and only before the first token (a retry after
 * words went out would repeat them); its logging is off because ours is
 * structured and never sees the key. The key and URL are always passed, so the
 * SDK never falls back to its own environment or credential-file lookup.
 */
export function createAnthropicClient(connection: AnthropicConnection): Anthropic {
  return new Anthropic({
    apiKey: connection.apiKey,
    authToken: null,
    baseURL: connection.baseUrl,
    maxRetries: 0,
    logLevel: 'off',
  });
}
