/**
 * The cluster's sessions, asked of the workers that hold them. A session lives in
 * one worker's memory for its whole life, so that worker is the one source of truth:
 * the list is gathered over HTTP from every live worker of the registry when asked
 * (the editor polls it every few seconds) rather than mirrored into Redis on every
 * start, end, reload and switch, where a worker killed with SIGKILL would leave
 * sessions behind until some expiry.
 *
 * Requests between workers carry `?scope=local`: a worker answers those from its own
 * sessions only and never asks further, so no request goes round in circles.
 */
import type { Logger } from '#engine';
import type { SessionInfo } from '../api/restTypes.ts';
import { workerOfSession } from './sessionIds.ts';
import type { WorkerDirectory, WorkerInfo } from './WorkerInfo.ts';

/** A session as the cluster lists it: which worker holds it. */
export type ClusterSessionInfo = SessionInfo & { worker: string };

export interface ClusterSessionsOptions {
  directory: WorkerDirectory;
  /** The cluster's shared PARLEY_TOKEN, sent to other workers. */
  token?: string;
  logger: Logger;
  /** How long a worker has to answer a list or a lookup. Default 1.5 s. */
  askTimeoutMs?: number;
  /** How long a request forwarded to the session's worker may take (a graph switch waits for a quiet point). Default 30 s. */
  forwardTimeoutMs?: number;
}

export interface ClusterSessionList {
  /** Sessions of the other workers, each with its `worker`. */
  sessions: ClusterSessionInfo[];
  /** Workers that did not answer in time (or the registry, when Redis is down): their sessions are missing. */
  unanswered: string[];
}

export interface ForwardedAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

export const LOCAL_SCOPE = 'local';
/** Largest answer accepted from another worker: a session list of thousands, not a flood. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export class ClusterSessions {
  private readonly askTimeoutMs: number;
  private readonly forwardTimeoutMs: number;

  constructor(private readonly options: ClusterSessionsOptions) {
    this.askTimeoutMs = options.askTimeoutMs ?? 1_500;
    this.forwardTimeoutMs = options.forwardTimeoutMs ?? 30_000;
  }

  get selfId(): string {
    return this.options.directory.selfId;
  }

  /** Sessions of every other live worker; a worker that does not answer is named, not fatal. */
  async listOthers(): Promise<ClusterSessionList> {
    let others: WorkerInfo[];
    try {
      others = await this.others();
    } catch (error) {
      this.options.logger.warn({ err: errorText(error) }, 'cluster sessions: registry unavailable');
      return { sessions: [], unanswered: ['registry'] };
    }
    const answers = await Promise.all(
      others.map(async (worker) => {
        try {
          const res = await this.ask(worker, '/api/sessions', this.askTimeoutMs);
          if (res.status !== 200) throw new Error(`answered ${res.status}`);
          const list = JSON.parse(res.body) as unknown;
          if (!Array.isArray(list)) throw new Error('answered something other than a list');
          return list
            .filter(isSessionInfo)
            .map((s): ClusterSessionInfo => ({ ...s, worker: worker.id }));
        } catch (error) {
          this.options.logger.warn(
            { worker: worker.id, err: errorText(error) },
            'cluster sessions: a worker did not list its sessions',
          );
          return worker.id;
        }
      }),
    );
    return {
      sessions: answers.flatMap((a) => (typeof a === 'string' ? [] : a)),
      unanswered: answers.filter((a): a is string => typeof a === 'string'),
    };
  }

  /**
   * The other worker holding a session; undefined when none does. An id that names
   * its worker (sessionIds.ts) is that worker's, if it is still registered; any other
   * id is looked for by asking every other worker at once.
   */
  async findHolder(sessionId: string): Promise<WorkerInfo | undefined> {
    let others: WorkerInfo[];
    try {
      others = await this.others();
    } catch {
      return undefined;
    }
    const named = workerOfSession(sessionId);
    if (named !== undefined) return others.find((w) => w.id === named);
    const path = `/api/sessions/${encodeURIComponent(sessionId)}`;
    return new Promise((resolve) => {
      let pending = others.length;
      if (pending === 0) resolve(undefined);
      for (const worker of others)
        void this.ask(worker, path, this.askTimeoutMs)
          .then(
            (res) => res.status === 200,
            () => false,
          )
          .then((holds) => {
            pending--;
            if (holds) resolve(worker);
            else if (pending === 0) resolve(undefined);
          });
    });
  }

  /** Sends a request on to the worker holding the session and returns its answer as it was. */
  forward(
    worker: WorkerInfo,
    method: string,
    pathAndQuery: string,
    body: unknown,
  ): Promise<ForwardedAnswer> {
    return this.ask(worker, pathAndQuery, this.forwardTimeoutMs, method, body);
  }

  /** Headers that let this worker in on another: the shared token. */
  authHeaders(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  private async others(): Promise<WorkerInfo[]> {
    const workers = await this.options.directory.workers();
    return workers.filter((w) => w.id !== this.selfId && w.url);
  }

  private async ask(
    worker: WorkerInfo,
    pathAndQuery: string,
    timeoutMs: number,
    method = 'GET',
    body?: unknown,
  ): Promise<ForwardedAnswer> {
    const url = new URL(pathAndQuery, worker.url);
    url.searchParams.set('scope', LOCAL_SCOPE);
    const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    const res = await fetch(url, {
      method,
      headers: {
        ...this.authHeaders(),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      body: hasBody ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_ANSWER_BYTES) {
      await res.body?.cancel();
      throw new Error(`answer of ${declared} bytes is too large`);
    }
    const text = await res.text();
    if (text.length > MAX_ANSWER_BYTES) throw new Error('answer too large');
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      body: text,
    };
  }
}

function isSessionInfo(value: unknown): value is SessionInfo {
  const s = value as Partial<SessionInfo> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    typeof s.graph === 'string' &&
    typeof s.revision === 'string'
  );
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
