import { Router } from 'express';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { HttpError } from './HttpError.ts';

/** Live sessions: list, inspect, end. */
export function sessionRoutes(sessions: SessionManager): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(sessions.list());
  });
  router.get('/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) throw new HttpError(404, 'session not found');
    res.json({ ...session.info, nodes: [...session.runner.nodes().keys()], botSpeaking: session.runner.isBotSpeaking });
  });
  router.delete('/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) throw new HttpError(404, 'session not found');
    session.close('ended by API');
    res.status(204).end();
  });
  return router;
}
