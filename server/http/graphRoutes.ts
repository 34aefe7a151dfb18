import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type GraphIssue, type NodeRegistry, validateGraph } from '#engine';
import type {
  ErrorBody,
  GraphAtRevision,
  GraphSummary,
  GraphVersion,
  SaveResult,
  SessionReload,
  ValidationAnswer,
} from '../api/restTypes.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { GraphStorage, StoredGraph } from '../store/GraphStorage.ts';
import { isValidGraphName, isValidRevision } from '../store/graphName.ts';
import { StoreUnavailableError } from '../store/StoreUnavailableError.ts';
import { HttpError } from './HttpError.ts';

export interface GraphRoutesOptions {
  store: GraphStorage;
  sessions: SessionManager;
  registry: NodeRegistry;
}

const createBody = z.object({ name: z.string(), graph: z.unknown() });
const updateBody = z.object({ graph: z.unknown(), revision: z.string() });
const validateBody = z.object({ graph: z.unknown() });

function parseBody<T>(schema: z.ZodType<T>, req: Request): T {
  const result = schema.safeParse(req.body);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw new HttpError(400, `invalid request body: ${detail}`);
  }
  return result.data;
}

function nameParam(req: Request): string {
  const name = req.params.name;
  if (!isValidGraphName(name))
    throw new HttpError(
      400,
      'invalid graph name: use 1–64 letters, digits, "-" or "_", starting with a letter or digit',
    );
  return name;
}

/** Issues that stop validation at the door (GRAPH_LIMITS): the document is not one we examine, so even /validate answers 400. */
function boundsIssue(errors: GraphIssue[]): GraphIssue | undefined {
  return errors.find((e) => e.code === 'too-deep' || e.code === 'too-large');
}

/** Graph store REST: CRUD with revisions, validation, versions, hot reload of live sessions on save. */
export function graphRoutes({ store, sessions, registry }: GraphRoutesOptions): Router {
  const router = Router();

  const checkGraph = (graph: unknown): void => {
    const result = validateGraph(graph, registry);
    if (!result.ok)
      throw new HttpError(400, boundsIssue(result.errors)?.message ?? 'invalid graph', {
        errors: result.errors,
        warnings: result.warnings,
      });
  };

  const reloadLive = async (stored: StoredGraph): Promise<NonNullable<SaveResult['reload']>> => ({
    sessions: (await sessions.reloadGraph(stored.name, stored.graph, stored.revision)).map(
      ({ sessionId, nodes, error }): SessionReload => ({
        sessionId,
        nodes,
        ...(error ? { error } : {}),
      }),
    ),
  });

  router.get('/', async (_req, res) => {
    res.json((await store.list()) satisfies GraphSummary[]);
  });

  router.post('/validate', (req, res) => {
    const { graph } = parseBody(validateBody, req);
    const result = validateGraph(graph, registry);
    const tooBig = result.ok ? undefined : boundsIssue(result.errors);
    if (tooBig)
      throw new HttpError(400, tooBig.message, { ok: false, errors: [tooBig], warnings: [] });
    res.json({
      ok: result.ok,
      errors: result.ok ? [] : result.errors,
      warnings: result.warnings,
    } satisfies ValidationAnswer);
  });

  router.post('/', async (req, res) => {
    const { name, graph } = parseBody(createBody, req);
    if (!isValidGraphName(name))
      throw new HttpError(
        400,
        'invalid graph name: use 1–64 letters, digits, "-" or "_", starting with a letter or digit',
      );
    checkGraph(graph);
    const stored = await store.create(name, graph);
    res.status(201).json({ name, revision: stored.revision } satisfies SaveResult);
  });

  router.get('/:name', async (req, res) => {
    const name = nameParam(req);
    const stored = await store.get(name);
    if (!stored) throw new HttpError(404, `graph '${name}' not found`);
    const body: GraphAtRevision<unknown> = {
      name,
      revision: stored.revision,
      graph: stored.graph,
    };
    res.json(body);
  });

  router.put('/:name', async (req, res) => {
    const name = nameParam(req);
    const { graph, revision } = parseBody(updateBody, req);
    checkGraph(graph);
    const stored = await store.update(name, graph, revision);
    const body: SaveResult = {
      name,
      revision: stored.revision,
      reload: await reloadLive(stored),
    };
    res.json(body);
  });

  router.delete('/:name', async (req, res) => {
    await store.remove(nameParam(req));
    res.status(204).end();
  });

  router.get('/:name/versions', async (req, res) => {
    const name = nameParam(req);
    const versions = await store.versions(name);
    if (versions.length === 0 && !(await store.get(name)))
      throw new HttpError(404, `graph '${name}' not found`);
    res.json(versions satisfies GraphVersion[]);
  });

  router.get('/:name/versions/:revision', async (req, res) => {
    const name = nameParam(req);
    const revision = req.params.revision;
    if (!isValidRevision(revision)) throw new HttpError(400, 'invalid revision');
    const body: GraphAtRevision<unknown> = {
      name,
      revision,
      graph: await store.version(name, revision),
    };
    res.json(body);
  });

  router.post('/:name/versions/:revision/restore', async (req, res) => {
    const name = nameParam(req);
    const revision = req.params.revision;
    if (!isValidRevision(revision)) throw new HttpError(400, 'invalid revision');
    // A version saved under older node types may no longer be valid.
    checkGraph(await store.version(name, revision));
    const stored = await store.restore(name, revision);
    const body: SaveResult = {
      name,
      revision: stored.revision,
      reload: await reloadLive(stored),
    };
    res.json(body);
  });

  // The cluster's store (Redis) is down: the request was fine, so 503 and when to retry, not a 500.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof StoreUnavailableError)) return next(error);
    res
      .status(503)
      .set('Retry-After', String(error.retryAfterS))
      .json({ error: error.message, retryAfterS: error.retryAfterS } satisfies ErrorBody);
  });

  return router;
}
