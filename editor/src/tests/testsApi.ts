/**
 * The Tests panel's calls to `/api/scenarios`. Each carries this tab's client
 * id: the server runs one scenario job per client at a time.
 */

import type {
  RunJob,
  RunRequest,
  ScenarioSource,
  SuitesAnswer,
  TalkRecordingStatus,
} from '#server/wire';
import { ApiError } from '../api/ApiError.ts';
import { request as apiRequest } from '../api/api.ts';
import { clientId } from './clientId.ts';

/** This tab's calls carry its client id: the server runs one scenario job per client at a time. */
function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  return apiRequest<T>(method, url, body, { 'x-parley-client': clientId() });
}

const enc = encodeURIComponent;

export const testsApi = {
  suites: () => request<SuitesAnswer>('GET', '/api/scenarios'),
  source: (suite: string, name: string) =>
    request<ScenarioSource>('GET', `/api/scenarios/suites/${enc(suite)}/${enc(name)}`),
  save: (suite: string, name: string, text: string) =>
    request<ScenarioSource>('PUT', `/api/scenarios/suites/${enc(suite)}/${enc(name)}`, { text }),
  run: (body: RunRequest) => request<RunJob>('POST', '/api/scenarios/runs', body),
  job: (id: string) => request<RunJob>('GET', `/api/scenarios/runs/${enc(id)}`),
  cancel: (id: string) => request<RunJob>('DELETE', `/api/scenarios/runs/${enc(id)}`),
  recordTalk: (sessionId: string) =>
    request<TalkRecordingStatus>('POST', '/api/scenarios/talk-recordings', { sessionId }),
  talkRecording: (sessionId: string) =>
    request<TalkRecordingStatus>('GET', `/api/scenarios/talk-recordings/${enc(sessionId)}`),
  saveTalk: (suite: string, sessionId: string, name: string) =>
    request<ScenarioSource>('POST', `/api/scenarios/suites/${enc(suite)}/from-talk`, {
      sessionId,
      name,
    }),
};

/** The message of a refusal, with each listed problem (a scenario's JSON paths) on its own line. */
export function describeFailure(error: unknown): string[] {
  if (error instanceof ApiError) {
    const problems = Array.isArray(error.body.problems)
      ? (error.body.problems as unknown[]).map(String)
      : [];
    return problems.length > 1 || (problems.length === 1 && !error.message.includes(problems[0]))
      ? [error.message.split('\n')[0], ...problems]
      : [error.message];
  }
  return [error instanceof Error ? error.message : String(error)];
}
