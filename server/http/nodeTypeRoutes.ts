import { Router } from 'express';
import type { NodeRegistry } from '../../engine/graph/NodeRegistry.ts';

/** The node catalogue for the editor, with whether each credential is set on the server (never its value). */
export function nodeTypeRoutes(registry: NodeRegistry, env: Record<string, string | undefined>): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(
      registry.list().map((info) => ({
        ...info,
        credentialsPresent: Object.fromEntries(info.credentials.map((variable) => [variable, Boolean(env[variable])])),
      })),
    );
  });
  return router;
}
