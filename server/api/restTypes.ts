/**
 * The bodies of the REST API under `/api`, as the server sends them: declared once, here,
 * for the routes (which check what they send against them) and for clients such as the
 * editor (which import them with `import type`). Types only: no runtime code, and nothing
 * imported but types from the browser-safe engine entry.
 */
import type {
  GraphDocument,
  GraphIssue,
  NodeChange,
  NodeEndpoints,
  NodeTypeInfo,
  UsageSummary,
} from '#engine/browser';

/** `GET /api/node-types`: one per node type. */
export type NodeTypeEntry = NodeTypeInfo & {
  /** Whether each credential's env var is set on the server; never its value. */
  credentialsPresent: Record<string, boolean>;
  /** For types that send a key to a configurable URL: where this server allows it to go. */
  endpoints?: NodeEndpoints;
};

/** `GET /api/graphs`: one per stored graph. */
export interface GraphSummary {
  name: string;
  revision: string;
  description?: string;
  updatedAt: string;
  /** Set when the file on disk is not JSON; the revision still lets a client overwrite it. */
  error?: string;
}

/**
 * `GET /api/graphs/:name` and `GET /api/graphs/:name/versions/:revision`. The document is
 * sent as stored: it was valid when saved through the API, but a file edited on disk is
 * sent as it is, which is why the server's side of this is `GraphAtRevision<unknown>`.
 */
export interface GraphAtRevision<Document = GraphDocument> {
  name: string;
  revision: string;
  graph: Document;
}

/** What one live session did with a newly saved version of its graph. */
export interface SessionReload {
  sessionId: string;
  nodes: NodeChange[];
  /** Set when the whole reload was refused (invalid graph); the session keeps its old graph. */
  error?: string;
}

/**
 * `POST /api/graphs` (201, no `reload`), `PUT /api/graphs/:name` and
 * `POST /api/graphs/:name/versions/:revision/restore`: the new revision and, for a
 * deploy over an existing graph, what each live session running it did.
 */
export interface SaveResult {
  name: string;
  revision: string;
  reload?: { sessions: SessionReload[] };
}

/** `GET /api/graphs/:name/versions`: newest first. */
export interface GraphVersion {
  revision: string;
  savedAt: string;
}

/** `POST /api/graphs/validate`. */
export interface ValidationAnswer {
  ok: boolean;
  errors: GraphIssue[];
  warnings: GraphIssue[];
}

/** `GET /api/sessions`: one per live session; also in the live channel's session list. */
export interface SessionInfo {
  id: string;
  /** The graph the session runs now (a switch changes it). */
  graph: string;
  revision: string;
  transport: string;
  startedAt: string;
  /** In a cluster (REDIS_URL): the worker that holds the session. */
  worker?: string;
}

/** `GET /api/sessions/:id`. */
export interface SessionDetail extends SessionInfo {
  nodes: string[];
  botSpeaking: boolean;
  /** Tokens, audio, characters and cost of the finished turns, per node and in all; cost per minute since the start. */
  usage: UsageSummary;
}

/** A session's reload, with the revision it was asked to run. */
export interface ReloadResult extends SessionReload {
  revision: string;
}

/**
 * `POST /api/sessions/:id/graph`: the live conversation continued on another graph.
 * 409 with this same body when it could not be applied to the live session.
 */
export interface SwitchResult extends ReloadResult {
  /** The graph the session runs now. */
  graph: string;
}

/** Every other non-2xx answer. */
export interface ErrorBody {
  error: string;
  /** 409 on a save against a stale revision: the revision to merge with. */
  currentRevision?: string;
  /** 422 when the stored file is broken: its revision still lets a client overwrite it. */
  revision?: string;
  /** 400 for an invalid graph, each issue naming its node and JSON path. */
  errors?: GraphIssue[];
  warnings?: GraphIssue[];
  /** 400 from `/validate` when the document is too large or too deep to examine. */
  ok?: false;
  /** 503 when no worker takes calls now (also in the Retry-After header). */
  retryAfterS?: number;
}
