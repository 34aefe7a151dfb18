import { type NextFunction, type Request, type Response, Router } from 'express';
import type { SessionDetail, SessionInfo, SwitchResult } from '../api/restTypes.ts';
import { type ClusterSessions, LOCAL_SCOPE } from '../cluster/ClusterSessions.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { isValidGraphName } from '../store/graphName.ts';
import { HttpError } from './HttpError.ts';

/** Names the workers whose sessions are missing from a cluster-wide list (they did not answer in time). */
export const UNANSWERED_WORKERS_HEADER = 'Parley-Unanswered-Workers';

/**
 * Live sessions: list, inspect, end. In a cluster (`cluster` given) the list holds
 * every worker's sessions, each with its `worker`, and a request about a session
 * another worker holds is answered by that worker; `?scope=local` (what workers
 * send each other) answers from this worker alone.
 */
export function sessionRoutes(sessions: SessionManager, cluster?: ClusterSessions): Router {
  const router = Router();
  /** The cluster to ask, unless the request is about this worker alone. */
  const clusterFor = (req: Request): ClusterSessions | undefined =>
    req.query.scope === LOCAL_SCOPE ? undefined : cluster;
  const withWorker = <T extends SessionInfo>(s: T): T =>
    cluster ? { ...s, worker: cluster.selfId } : s;

  router.get('/', async (req, res) => {
    const local = sessions.list().map(withWorker);
    const cluster = clusterFor(req);
    if (!cluster) {
      res.json(local satisfies SessionInfo[]);
      return;
    }
    const others = await cluster.listOthers();
    if (others.unanswered.length > 0)
      res.set(UNANSWERED_WORKERS_HEADER, others.unanswered.join(','));
    res.json([...local, ...others.sessions] satisfies SessionInfo[]);
  });

  // A session this worker does not hold: the worker that does answers.
  router.use('/:id', async (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    const cluster = clusterFor(req);
    if (!cluster || sessions.get(id)) return next();
    const holder = await cluster.findHolder(id);
    if (!holder) return next();
    const answer = await cluster
      .forward(holder, req.method, req.originalUrl, req.body)
      .catch((error: unknown) => {
        throw new HttpError(
          502,
          `worker '${holder.id}' holds session '${id.slice(0, 64)}' but did not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    if (answer.contentType) res.type(answer.contentType);
    res.status(answer.status).send(answer.body);
  });

  router.get('/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) throw new HttpError(404, 'session not found');
    res.json(
      withWorker({
        ...session.info,
        nodes: [...session.runner.nodes().keys()],
        botSpeaking: session.runner.isBotSpeaking,
        usage: session.usage(),
      }) satisfies SessionDetail,
    );
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
