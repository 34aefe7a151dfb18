import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedirectPath } from '../../server/security/TokenAuth.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';
import { upgradeStatus } from './helpers/upgradeStatus.ts';

/** A raw HTTP request, so the Host header and path go out exactly as an attacker writes them (fetch normalises both). */
function rawRequest(
  t: TestServer,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; location?: string; body: string }> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser-facing safety without a token', () => {
  let t: TestServer;
  let revision: string;
  beforeAll(async () => {
    t = await startTestServer({ env: { ALLOWED_HOSTS: 'parley.example.com,.corp.example' } });
    // Two saved versions of one graph, so there is an older one an attacker could restore.
    const echo = (await t.api('GET', '/api/graphs/echo')).body as {
      revision: string;
      graph: Record<string, unknown>;
    };
    revision = echo.revision;
    const saved = await t.api('PUT', '/api/graphs/echo', {
      graph: { ...echo.graph, description: 'edited' },
      revision,
    });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a cross-site form POST that would restore an old version (and reload live sessions)', async () => {
    const before = await readFile(path.join(t.dir, 'echo.json'), 'utf8');
    const forged = await rawRequest(t, {
      method: 'POST',
      path: `/api/graphs/echo/versions/${revision}/restore`,
      headers: {
        host: new URL(t.url).host,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'a=1',
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatch(/origin 'https:\/\/evil\.example' may not change anything here/);
    // Without an Origin (a non-browser client), a form body is still not JSON.
    const form = await rawRequest(t, {
      method: 'POST',
      path: `/api/graphs/echo/versions/${revision}/restore`,
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(form.status).toBe(415);
    expect(await readFile(path.join(t.dir, 'echo.json'), 'utf8')).toBe(before);
    // The editor's own request — same origin, no body — still works.
    const own = await t.api('POST', `/api/graphs/echo/versions/${revision}/restore`, undefined, {
      origin: t.url,
    });
    expect(own.status).toBe(200);
    expect(await readFile(path.join(t.dir, 'echo.json'), 'utf8')).not.toBe(before);
  });

  it('answers only hosts it knows: DNS rebinding gets 403 on HTTP and WebSockets', async () => {
    const { port } = new URL(t.url);
    for (const host of [
      `evil.example:${port}`,
      'attacker.test',
      `localhost.evil.example:${port}`,
      `parley.example.com.evil.example`,
    ]) {
      const res = await rawRequest(t, { path: '/api/graphs', headers: { host } });
      expect(res.status, host).toBe(403);
      expect(res.body).toMatch(/is not served here: add it to ALLOWED_HOSTS/);
      // A rebound page's WebSocket carries Origin == Host == the attacker's name, which the origin check alone would pass.
      expect(
        await upgradeStatus(`${t.wsUrl}/ws/live`, { host, origin: `http://${host}` }),
        host,
      ).toBe(403);
    }
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      'app.localhost',
      'parley.example.com',
      'corp.example',
      'eu.corp.example',
    ]) {
      expect((await rawRequest(t, { path: '/api/graphs', headers: { host } })).status, host).toBe(
        200,
      );
    }
    expect(
      await upgradeStatus(`${t.wsUrl}/ws/live`, {
        host: 'parley.example.com',
        origin: 'https://parley.example.com',
      }),
    ).toBe(101);
  });

  it('never redirects off-site', async () => {
    const auth = await startTestServer({ env: { PARLEY_TOKEN: 'tok-123456' } });
    try {
      for (const p of [
        '/\\evil.example',
        '//evil.example',
        '/\\/evil.example',
        '/%5Cevil.example',
      ]) {
        const res = await rawRequest(auth, { path: `${p}?token=tok-123456` });
        expect(res.status, p).toBe(302);
        expect(res.location, p).toMatch(/^\/[^/\\]/);
      }
    } finally {
      await auth.close();
    }
    expect(localRedirectPath('/\\\\evil.example/x')).toBe('/evil.example/x');
    expect(localRedirectPath('/graphs/echo')).toBe('/graphs/echo');
  });
});
