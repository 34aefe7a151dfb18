import type { NodeRegistry } from '#engine';

/**
 * Replaces the values of every credential a node type declares (API keys read
 * from the environment) with `[redacted]`. Provider SDK errors sometimes echo
 * a request's headers or URL; nothing sent to a client or the editor may
 * carry a key.
 */
export function createRedactor(
  registry: NodeRegistry,
  env: Record<string, string | undefined>,
): (text: string) => string {
  const secrets = new Set<string>();
  for (const info of registry.list()) {
    for (const variable of info.credentials) {
      const value = env[variable];
      // Very short values would redact ordinary words; real keys are long.
      if (value && value.length >= 6) secrets.add(value);
    }
  }
  if (env.PARLEY_TOKEN) secrets.add(env.PARLEY_TOKEN);
  const list = [...secrets];
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
}
