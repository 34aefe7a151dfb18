import { describe, expect, it } from 'vitest';
import {
  allowedEndpoints,
  type EndpointDeclaration,
  resolveEndpoint,
} from '../../engine/graph/EndpointPolicy.ts';
import { endpointCovers, parseEndpointUrl } from '../../engine/graph/EndpointUrl.ts';
import { EndpointNotAllowedError } from '../../engine/graph/NodeEnvironmentError.ts';

const openai: EndpointDeclaration = {
  configKey: 'baseUrl',
  defaults: ['https://api.openai.com/v1'],
  serverBaseUrlEnv: 'OPENAI_BASE_URL',
};
const deepgram: EndpointDeclaration = {
  configKey: 'baseUrl',
  defaults: ['wss://api.deepgram.com'],
  serverBaseUrlEnv: 'DEEPGRAM_BASE_URL',
};

const resolve = (
  configured: unknown,
  env: Record<string, string | undefined> = {},
  declaration = openai,
) =>
  resolveEndpoint({ nodeId: 'llm', variables: ['OPENAI_API_KEY'], declaration, configured }, env);

const refusal = (
  configured: unknown,
  env: Record<string, string | undefined> = {},
  declaration = openai,
): EndpointNotAllowedError => {
  try {
    resolve(configured, env, declaration);
  } catch (error) {
    if (error instanceof EndpointNotAllowedError) return error;
    throw error;
  }
  throw new Error(`${String(configured)} was allowed`);
};

describe('endpoint URLs', () => {
  const covers = (allowed: string, candidate: string) => {
    const a = parseEndpointUrl(allowed);
    const c = parseEndpointUrl(candidate);
    return a.ok && c.ok && endpointCovers(a.url, c.url);
  };

  it('covers the same origin at or below the path, in any spelling the URL parser normalises', () => {
    expect(covers('https://api.openai.com/v1', 'https://api.openai.com/v1')).toBe(true);
    expect(covers('https://api.openai.com/v1', 'https://api.openai.com/v1/')).toBe(true);
    expect(covers('https://api.openai.com/v1', 'https://API.OpenAI.com:443/v1/chat')).toBe(true);
    expect(covers('https://gw.example/openai', 'https://gw.example/openai/v1')).toBe(true);
    expect(covers('wss://api.deepgram.com', 'https://api.deepgram.com')).toBe(true); // one host, two schemes of one family
    expect(covers('http://127.0.0.1:9000', 'ws://127.0.0.1:9000/v1')).toBe(true);
  });

  it('refuses other hosts, ports, look-alikes and downgrades', () => {
    expect(covers('https://api.openai.com/v1', 'https://api.openai.com.evil.example/v1')).toBe(
      false,
    );
    expect(covers('https://api.openai.com/v1', 'https://api.openai.com%2eevil.example/v1')).toBe(
      false,
    );
    expect(covers('https://api.openai.com/v1', 'https://evil.example/api.openai.com/v1')).toBe(
      false,
    );
    expect(covers('https://api.openai.com/v1', 'https://api.openai.com:8443/v1')).toBe(false);
    expect(covers('https://api.openai.com/v1', 'http://api.openai.com/v1')).toBe(false);
    expect(covers('https://api.openai.com/v1', 'ws://api.openai.com/v1')).toBe(false);
    expect(covers('http://127.0.0.1:9000', 'http://127.0.0.1:9001')).toBe(false);
  });

  it('compares paths by segment, after resolving dot segments', () => {
    expect(covers('https://gw.example/openai', 'https://gw.example/openai-evil')).toBe(false);
    expect(covers('https://gw.example/openai', 'https://gw.example/openai/../admin')).toBe(false);
    expect(covers('https://gw.example/openai', 'https://gw.example/openai/%2e%2e/admin')).toBe(
      false,
    );
    expect(covers('https://gw.example/openai/v1', 'https://gw.example/openai')).toBe(false);
  });

  it('refuses user info, other schemes, queries, fragments and encoded separators outright', () => {
    for (const text of [
      'https://api.openai.com@evil.example/v1',
      'https://user:pass@api.openai.com/v1',
      'ftp://api.openai.com/v1',
      'file:///etc/passwd',
      'data:text/plain,hi',
      'https://api.openai.com/v1?target=evil.example',
      'https://api.openai.com/v1#x',
      'https://gw.example/openai/..%2fadmin',
      'https://gw.example/openai/..%5Cadmin',
      'not a url',
    ]) {
      expect(parseEndpointUrl(text).ok, text).toBe(false);
    }
  });

  it('never echoes user info', () => {
    const parsed = parseEndpointUrl('https://api.openai.com:s3cret@evil.example/v1');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.shown).toBe('https://evil.example/v1');
  });
});

describe('the endpoint policy', () => {
  it('sends a key to the provider by default, and to the server’s base URL variable when set', () => {
    expect(resolve('')).toBe('https://api.openai.com/v1');
    expect(resolve(undefined)).toBe('https://api.openai.com/v1');
    expect(resolve('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(resolve('', { OPENAI_BASE_URL: 'http://localhost:11434/v1/' })).toBe(
      'http://localhost:11434/v1',
    );
    expect(
      resolve('http://localhost:11434/v1', { OPENAI_BASE_URL: 'http://localhost:11434/v1' }),
    ).toBe('http://localhost:11434/v1');
    expect(resolve('', {}, deepgram)).toBe('wss://api.deepgram.com');
    expect(resolve('https://api.deepgram.com', {}, deepgram)).toBe('https://api.deepgram.com');
    expect(resolve('', { DEEPGRAM_BASE_URL: 'http://dg.internal:8080' }, deepgram)).toBe(
      'http://dg.internal:8080',
    );
  });

  it('allows PARLEY_ALLOWED_ENDPOINTS entries, by URL and by name', () => {
    const env = {
      PARLEY_ALLOWED_ENDPOINTS:
        ' groq=https://api.groq.com/openai/v1 , local=http://127.0.0.1:11434/v1,https://gw.example/openai',
    };
    expect(resolve('groq', env)).toBe('https://api.groq.com/openai/v1');
    expect(resolve('local', env)).toBe('http://127.0.0.1:11434/v1');
    expect(resolve('https://api.groq.com/openai/v1', env)).toBe('https://api.groq.com/openai/v1');
    expect(resolve('https://gw.example/openai/v1', env)).toBe('https://gw.example/openai/v1');
    expect(resolve('', env)).toBe('https://api.openai.com/v1'); // the list adds hosts, it does not move the default
  });

  it('refuses a foreign host with a message naming the node, the key, the origin and the fix', () => {
    const error = refusal('http://127.0.0.1:9');
    expect(error.message).toBe(
      "node 'llm': baseUrl http://127.0.0.1:9 is not an endpoint this server sends OPENAI_API_KEY to; allowed: https://api.openai.com/v1 — add it to PARLEY_ALLOWED_ENDPOINTS",
    );
    expect(error).toMatchObject({
      nodeId: 'llm',
      variable: 'OPENAI_API_KEY',
      configKey: 'baseUrl',
      requested: 'http://127.0.0.1:9',
    });
  });

  it('refuses look-alikes, user info, other schemes and path escapes', () => {
    const env = { PARLEY_ALLOWED_ENDPOINTS: 'gw=https://gw.example/openai' };
    for (const text of [
      'https://api.openai.com.evil.example/v1',
      'https://api.openai.com@evil.example/v1',
      'https://evil.example/api.openai.com/v1',
      'http://api.openai.com/v1',
      'ftp://api.openai.com/v1',
      'https://gw.example/openai-evil',
      'https://gw.example/openai/../admin',
      'https://gw.example/openai/..%2fadmin',
      'https://gw.example',
    ]) {
      expect(() => resolve(text, env), text).toThrow(EndpointNotAllowedError);
    }
    expect(refusal('https://api.openai.com@evil.example/v1').message).toMatch(
      /^node 'llm': baseUrl https:\/\/evil\.example\/v1 is not an endpoint .*\(a URL with user info/,
    );
    expect(refusal('https://api.openai.com@evil.example/v1').message).not.toContain(
      'api.openai.com@',
    );
  });

  it('refuses a name the server does not list, saying how to add it', () => {
    expect(refusal('groq').message).toBe(
      "node 'llm': baseUrl 'groq' names no endpoint in PARLEY_ALLOWED_ENDPOINTS; allowed: https://api.openai.com/v1 — add groq=<base URL> to PARLEY_ALLOWED_ENDPOINTS",
    );
  });

  it('ignores unusable list entries, and says so', () => {
    const env = {
      PARLEY_ALLOWED_ENDPOINTS:
        'https://u:p@evil.example,ftp://x.example,a=https://a.example,a=https://b.example',
    };
    const { endpoints, ignored } = allowedEndpoints(openai, env);
    expect(endpoints.map((e) => e.url)).toEqual(['https://api.openai.com/v1', 'https://a.example']);
    expect(ignored).toHaveLength(3);
    expect(ignored.join(' ')).not.toContain('u:p');
    expect(refusal('https://b.example', env).message).toContain(
      'ignored: PARLEY_ALLOWED_ENDPOINTS entry',
    );
  });

  it('does not fall back to the provider when the server’s base URL variable is unusable', () => {
    expect(refusal('', { OPENAI_BASE_URL: 'ftp://proxy.example' }).message).toMatch(
      /baseUrl is empty and OPENAI_BASE_URL is set but unusable/,
    );
    expect(resolve('https://api.openai.com/v1', { OPENAI_BASE_URL: 'ftp://proxy.example' })).toBe(
      'https://api.openai.com/v1',
    );
  });

  it('lists what is allowed for the editor, with the default marked', () => {
    expect(
      allowedEndpoints(openai, {
        OPENAI_BASE_URL: 'http://localhost:11434/v1',
        PARLEY_ALLOWED_ENDPOINTS: 'groq=https://api.groq.com/openai/v1',
      }),
    ).toEqual({
      endpoints: [
        { url: 'http://localhost:11434/v1', source: 'OPENAI_BASE_URL', isDefault: true },
        { url: 'https://api.openai.com/v1', source: 'provider' },
        { name: 'groq', url: 'https://api.groq.com/openai/v1', source: 'PARLEY_ALLOWED_ENDPOINTS' },
      ],
      ignored: [],
    });
  });
});
