import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type Logger, type NodeRegistry, ScenarioFormatError, validateGraph } from '#engine';
import type { SuitesAnswer } from '../api/scenarioWire.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { isValidGraphName } from '../store/graphName.ts';
import type { PanelRunSpec } from './runScenariosForPanel.ts';
import { ScenarioApiError } from './ScenarioApiError.ts';
import { ScenarioJobs } from './ScenarioJobs.ts';
import { ScenarioLibrary } from './ScenarioLibrary.ts';
import type { ScenarioSettings } from './ScenarioSettings.ts';
import { saveTalkAsScenario } from './saveTalkAsScenario.ts';
import { checkScenarioName } from './scenarioPaths.ts';
import { TalkRecordings } from './TalkRecordings.ts';

export interface ScenarioRoutesOptions {
  settings: ScenarioSettings;
  registry: NodeRegistry;
  /** Where the draft's deployed revision is looked up (the server's graph store). */
  store: { get(name: string): Promise<{ graph: unknown; revision: string } | undefined> };
  sessions: SessionManager;
  env: Record<string, string | undefined>;
  logger: Logger;
}

export interface ScenarioRoutes {
  router: Router;
  /** Stops every scenario job (the server is closing). */
  close(): void;
}

const runBody = z.strictObject({
  suite: z.string(),
  scenarios: z.array(z.string()).min(1).max(100).optional(),
  graph: z.unknown().refine((g) => g !== undefined, 'required: the draft graph document'),
  graphName: z.string().optional(),
  baseline: z.enum(['auto', 'none']).default('auto'),
});
const talkBody = z.strictObject({ sessionId: z.string().min(1).max(200) });
const saveBody = z.strictObject({ sessionId: z.string().min(1).max(200), name: z.string() });
const editBody = z.strictObject({ text: z.string().max(1024 * 1024) });

/** The client a job belongs to: the editor tab's id header, else its address. */
const CLIENT_HEADER = 'x-parley-client';

/**
 * `/api/scenarios`: the editor's Tests panel. Lists the server's suites,
 * reads and edits scenario files (validated with the scenario format), runs
 * scenarios against a draft graph as jobs, records the editor's Talk
 * sessions on request and saves one as a scenario. Every refusal names what
 * was wrong: the suite, the scenario, the field.
 */
export function scenarioRoutes(options: ScenarioRoutesOptions): ScenarioRoutes {
  const { settings } = options;
  const library = new ScenarioLibrary(settings.dir);
  const jobs = new ScenarioJobs(
    {
      maxRunning: settings.maxRunningJobs,
      maxQueued: settings.maxQueuedJobs,
      timeoutMs: settings.jobTimeoutMs,
    },
    options.logger,
  );
  const talks = new TalkRecordings(options.sessions, {
    maxKept: settings.maxTalkRecordings,
    ttlMs: settings.talkRecordingTtlMs,
    maxDurationMs: settings.talkRecordingMaxMs,
  });
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json({ suites: await library.suites() } satisfies SuitesAnswer);
  });
  router.get('/suites/:suite', async (req, res) => {
    res.json(await library.suite(req.params.suite));
  });
  router.get('/suites/:suite/:scenario', async (req, res) => {
    res.json(await library.source(req.params.suite, req.params.scenario));
  });
  router.put('/suites/:suite/:scenario', async (req, res) => {
    const { text } = parse(editBody, req.body);
    res.json(await library.save(req.params.suite, req.params.scenario, text));
  });
  router.post('/suites/:suite/from-talk', async (req, res) => {
    const { sessionId, name } = parse(saveBody, req.body);
    res
      .status(201)
      .json(await saveTalkAsScenario(library, talks, { suite: req.params.suite, sessionId, name }));
  });

  router.post('/talk-recordings', (req, res) => {
    res.status(201).json(talks.start(parse(talkBody, req.body).sessionId));
  });
  router.get('/talk-recordings/:sessionId', (req, res) => {
    res.json(talks.status(req.params.sessionId));
  });

  router.post('/runs', async (req, res) => {
    const body = parse(runBody, req.body);
    const scenarios = await library.scenarios(
      body.suite,
      body.scenarios?.map((n) => checkScenarioName(n, 'scenarios[] name')),
    );
    if (scenarios.length === 0)
      throw new ScenarioApiError(400, `suite "${body.suite}" has no valid scenarios to run`);
    const draft = checkDraft(body.graph, options.registry);
    const graphName = body.graphName ?? draft.name;
    if (graphName !== undefined && !isValidGraphName(graphName))
      throw new ScenarioApiError(400, `invalid graphName ${JSON.stringify(graphName)}`);
    const stored =
      graphName === undefined
        ? undefined
        : await options.store.get(graphName).catch(() => undefined);
    const spec: PanelRunSpec = {
      files: scenarios.map((s) => s.file),
      draft: { document: draft.graph, name: graphName ?? 'draft' },
      ...(stored
        ? {
            deployed: {
              document: stored.graph,
              name: graphName as string,
              revision: stored.revision,
            },
          }
        : {}),
      env: options.env,
      baseline: body.baseline,
    };
    const job = jobs.submit(clientOf(req), spec, {
      suite: body.suite,
      names: scenarios.map((s) => s.scenario.name),
    });
    res.status(202).json(job);
  });
  router.get('/runs/:id', (req, res) => {
    res.json(jobs.get(req.params.id));
  });
  router.delete('/runs/:id', (req, res) => {
    res.json(jobs.cancel(req.params.id));
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    // A suite file that cannot be read or parsed is the suite's problem, named with its file: not a 500.
    if (error instanceof ScenarioFormatError) {
      res.status(422).json({ error: error.message, problems: error.problems });
      return;
    }
    if (!(error instanceof ScenarioApiError)) {
      next(error);
      return;
    }
    res.status(error.status).json({ error: error.message, ...error.extra });
  });
  return { router, close: () => jobs.close() };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new ScenarioApiError(400, `invalid request body: ${problems.join('; ')}`, { problems });
  }
  return result.data;
}

/** The draft must be a graph that can run: a 400 lists each issue with its node and JSON path. */
function checkDraft(graph: unknown, registry: NodeRegistry): { graph: unknown; name?: string } {
  let result: ReturnType<typeof validateGraph>;
  try {
    result = validateGraph(graph, registry);
  } catch (error) {
    throw new ScenarioApiError(400, `invalid graph draft: ${(error as Error).message}`);
  }
  if (!result.ok) {
    const problems = result.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    throw new ScenarioApiError(400, `invalid graph draft: ${problems[0]}`, { problems });
  }
  return { graph: result.graph, name: result.graph.name };
}

function clientOf(req: Request): string {
  const header = req.get(CLIENT_HEADER);
  if (header && /^[\w-]{1,64}$/.test(header)) return `client:${header}`;
  return `address:${req.ip ?? 'unknown'}`;
}
