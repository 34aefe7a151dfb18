import OpenAI from 'openai';

/** OpenAI's own API; other hosts get the key only when the server allows them (EndpointPolicy). */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Where and as whom to reach an OpenAI-compatible API (OpenAI, Azure-style proxies, Ollama, vLLM, Groq). */
export interface OpenAIConnection {
  apiKey: string;
  baseUrl: string;
}

/**
 * An SDK client for one processor. The SDK's own retries are off because ours
 * run on the processor's clock and only before the first token (a retry after
 * audio or text went out would repeat it to the user); its logging is off
 * because ours is structured and never sees the key.
 */
export function createOpenAIClient(connection: OpenAIConnection): OpenAI {
  return new OpenAI({
    apiKey: connection.apiKey,
    baseURL: connection.baseUrl,
    maxRetries: 0,
    logLevel: 'off',
  });
}
