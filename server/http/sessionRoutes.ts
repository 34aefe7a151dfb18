import { Router } from 'express';
import type { SessionDetail, SessionInfo, SwitchResult } from '../api/restTypes.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { isValidGraphName } from '../store/graphName.ts';
import { HttpError } from './HttpError.ts';

/** Live sessions: list, inspect, end. */
export function sessionRoutes(sessions: SessionManager): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(sessions.list() satisfies SessionInfo[]);
  });
  router.get('/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) throw new HttpError(404, 'session not found');
    res.json({
      ...session.info,
      nodes: [...session.runner.nodes().keys()],
      botSpeaking: session.runner.isBotSpeaking,
      usage: session.usage(),
    } satisfies SessionDetail);
  });
  /** Continue the live conversation on another saved graph, through hot reload: `{ graph: NAME }`. */
  router.post('/:id/graph', async (req, res) => {
    const name = (req.body as { graph?: unknown } | undefined)?.graph;
    if (typeof name !== 'string' || !isValidGraphName(name))
      throw new HttpError(400, 'invalid request body: graph must be a saved graph name');
    const result = await sessions.switchGraph(req.params.id, name);
    if (!result) throw new HttpError(404, 'session not found');
    const refused =
      result.error !== undefined || result.nodes.some((n) => n.outcome === 'new-sessions-only');
    res.status(refused ? 409 : 200).json(result satisfies SwitchResult);
  });
  router.delete('/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) throw new HttpError(404, 'session not found');
    session.close('ended by API');
    res.status(204).end();
  });
  return router;
}
