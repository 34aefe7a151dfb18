import { Router } from 'express';
import type { NodeRegistry } from '#engine';
import type { NodeTypeEntry } from '../api/restTypes.ts';

/**
 * The node catalogue for the editor, with whether each credential is set on
 * the server (never its value) and, for types that send a key to a
 * configurable URL, the endpoints this server allows (URLs are not secrets).
 */
export function nodeTypeRoutes(
  registry: NodeRegistry,
  env: Record<string, string | undefined>,
): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(
      registry.list().map((info): NodeTypeEntry => {
        const endpoints = registry.endpoints(info.type, env);
        return {
          ...info,
          credentialsPresent: Object.fromEntries(
            info.credentials.map((variable) => [variable, Boolean(env[variable])]),
          ),
          ...(endpoints ? { endpoints } : {}),
        };
      }),
    );
  });
  return router;
}
