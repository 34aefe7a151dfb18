import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/testServer.ts';

const run = promisify(execFile);
const TSX = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');

describe('the last line of defence', () => {
  it('logs and counts an escaped exception and rejection, and the process goes on', async () => {
    const { stdout } = await run(TSX, [
      path.join(import.meta.dirname, 'fixtures/escapingErrors.ts'),
    ]);
    const report = JSON.parse(stdout) as { count: number; logged: string[] };
    expect(report.count).toBe(2);
    expect(report.logged).toEqual([
      'BUG: a promise rejection escaped to the process; the server goes on',
      'BUG: an error escaped to the process; the server goes on',
    ]);
  });

  it('is reported by /api/health', async () => {
    const escapedErrors = { count: 3 };
    const t = await startTestServer({ escapedErrors });
    try {
      expect((await t.api('GET', '/api/health')).body).toMatchObject({
        ok: true,
        sessions: 0,
        escapedErrors: 3,
      });
    } finally {
      await t.close();
    }
  });
});
