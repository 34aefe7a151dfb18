/**
 * Probes for an orchestrator (Kubernetes-style), outside the token check because probes
 * carry no credentials and these reveal nothing but state:
 *
 * - `GET /healthz` — liveness: the process answers (its event loop turns). 200 always.
 * - `GET /readyz` — readiness: 200 while this worker takes new calls; 503 once it is
 *   draining (or before the store is loaded). An unreachable Redis does not make a worker
 *   unready — it keeps taking calls locally — but it is reported here.
 */
import { Router } from 'express';

export interface ReadinessState {
  started: boolean;
  draining: boolean;
  sessions: number;
  /** `off` without REDIS_URL. */
  redis: 'off' | 'up' | 'down';
  redisError?: string;
  worker: string;
}

export function healthRoutes(state: () => ReadinessState): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', (_req, res) => {
    const now = state();
    const ready = now.started && !now.draining;
    res.status(ready ? 200 : 503).json({ ready, ...now });
  });
  return router;
}
