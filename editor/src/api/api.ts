/**
 * Thin fetch wrappers over the server's REST API. Same-origin only: with
 * PARLEY_TOKEN the server reads its HttpOnly cookie, so nothing to add here.
 */

import type { GraphDocument } from '#engine/browser';
import type {
  GraphAtRevision,
  GraphSummary,
  GraphVersion,
  NodeTypeEntry,
  SaveResult,
  SessionInfo,
  SwitchResult,
  ValidationAnswer,
} from '#server/wire';
import { ApiError } from './ApiError.ts';

/** What every /api call sends besides its body (auth is the same-origin cookie). */
export const API_HEADERS = { accept: 'application/json' };

/** One /api call: JSON in and out; a non-2xx answer throws an ApiError with the server's `error`. */
export async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      ...API_HEADERS,
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: text };
  }
  if (!response.ok) {
    const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const message =
      typeof obj.error === 'string' ? obj.error : `${method} ${url} failed with ${response.status}`;
    throw new ApiError(response.status, message, obj);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export const api = {
  nodeTypes: () => request<NodeTypeEntry[]>('GET', '/api/node-types'),
  listGraphs: () => request<GraphSummary[]>('GET', '/api/graphs'),
  getGraph: (name: string) => request<GraphAtRevision>('GET', `/api/graphs/${enc(name)}`),
  createGraph: (name: string, graph: GraphDocument) =>
    request<SaveResult>('POST', '/api/graphs', { name, graph }),
  updateGraph: (name: string, graph: GraphDocument, revision: string) =>
    request<SaveResult>('PUT', `/api/graphs/${enc(name)}`, { graph, revision }),
  deleteGraph: (name: string) => request<void>('DELETE', `/api/graphs/${enc(name)}`),
  validate: (graph: GraphDocument) =>
    request<ValidationAnswer>('POST', '/api/graphs/validate', { graph }),
  versions: (name: string) => request<GraphVersion[]>('GET', `/api/graphs/${enc(name)}/versions`),
  version: (name: string, revision: string) =>
    request<GraphAtRevision>('GET', `/api/graphs/${enc(name)}/versions/${enc(revision)}`),
  restore: (name: string, revision: string) =>
    request<SaveResult>('POST', `/api/graphs/${enc(name)}/versions/${enc(revision)}/restore`),
  sessions: () => request<SessionInfo[]>('GET', '/api/sessions'),
  switchGraph: (sessionId: string, graph: string) =>
    request<SwitchResult>('POST', `/api/sessions/${enc(sessionId)}/graph`, { graph }),
};

/** ws:// or wss:// URL on this origin. */
export function wsUrl(path: string): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${path}`;
}
