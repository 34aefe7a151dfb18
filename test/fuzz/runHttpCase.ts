/**
 * Runs one HTTP fuzz case with node:http (fetch refuses bodies on GET and
 * odd methods; these cases need them) and checks the status: never a 5xx,
 * and whatever the case demands (413 for a huge body, a 4xx for garbage). A
 * 4xx from `/api` must be JSON `{ error }`, as server/README promises.
 */
import http from 'node:http';
import type { CaseContext, CaseResult } from './FuzzCase.ts';
import { preview } from './FuzzCase.ts';

export interface HttpCase {
  method: string;
  /** Path and query, sent as given (may be malformed on purpose). */
  path: string;
  headers?: Record<string, string>;
  /** A function when the body is big: made when the case runs, not when it is collected. */
  body?: Buffer | string | (() => Buffer | string);
  /** What the status must be, in words for the failure message. */
  expect: { describe: string; status: (status: number) => boolean };
  /** A further check of the answer: what is wrong with it, or undefined. */
  check?: (answer: { status: number; body: string }) => string | undefined;
}

const TIMEOUT_MS = 5000;

export async function runHttpCase(ctx: CaseContext, c: HttpCase): Promise<CaseResult> {
  const answer = await send(ctx.server.url, c);
  if ('error' in answer)
    return {
      outcome: `no answer: ${answer.error}`,
      problems: [`no HTTP answer (${answer.error})`],
    };
  const outcome = `HTTP ${answer.status} ${describeBody(answer)}`;
  const problems: string[] = [];
  if (answer.status >= 500)
    problems.push(`answered ${answer.status}: a server error for a client's mistake`);
  else if (!c.expect.status(answer.status))
    problems.push(`expected ${c.expect.describe}, got ${answer.status}`);
  if (
    c.path.startsWith('/api') &&
    answer.status >= 400 &&
    answer.status < 500 &&
    !hasJsonError(answer)
  ) {
    problems.push(
      `a ${answer.status} from /api without a JSON { error } body (content-type ${answer.contentType ?? 'none'})`,
    );
  }
  const wrong = c.check?.(answer);
  if (wrong) problems.push(wrong);
  return { outcome, problems };
}

/** The `error` of a JSON error body, else the body's type and size: enough to tell answers apart in a summary. */
function describeBody(answer: { body: string; contentType: string | undefined }): string {
  if (answer.contentType?.includes('application/json')) {
    try {
      const error = (JSON.parse(answer.body) as { error?: unknown }).error;
      if (typeof error === 'string') return `'${preview(error, 80)}'`;
    } catch {
      // not JSON after all: described below
    }
  }
  return answer.body
    ? `(${answer.contentType?.split(';')[0] ?? 'no type'}, ${answer.body.length} chars)`
    : '(no body)';
}

function hasJsonError(answer: { body: string; contentType: string | undefined }): boolean {
  if (!answer.contentType?.includes('application/json')) return false;
  try {
    return typeof (JSON.parse(answer.body) as { error?: unknown }).error === 'string';
  } catch {
    return false;
  }
}

function send(
  base: string,
  c: HttpCase,
): Promise<{ status: number; body: string; contentType: string | undefined } | { error: string }> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const given = typeof c.body === 'function' ? c.body() : c.body;
    const body = given === undefined ? undefined : Buffer.from(given);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: c.method,
        path: c.path,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...c.headers },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: res.headers['content-type'],
          }),
        );
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
    req.end(body);
  });
}
