import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';
import { upgradeStatus } from './helpers/upgradeStatus.ts';

const TOKEN = 'test-token-5b1f0c';

describe('PARLEY_TOKEN auth and WebSocket origin checks', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { PARLEY_TOKEN: TOKEN, ALLOWED_ORIGINS: 'https://editor.example' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires the token on every HTTP route', async () => {
    for (const route of [
      '/api/graphs',
      '/api/graphs/echo',
      '/api/node-types',
      '/api/sessions',
      '/api/health',
      '/',
      '/anything',
    ]) {
      const res = await t.api('GET', route);
      expect(res.status, route).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    }
    expect((await t.api('POST', '/api/graphs', { name: 'x', graph: {} })).status).toBe(401);
    expect(
      (await t.api('GET', '/api/graphs', undefined, { authorization: 'Bearer wrong-token-xxxxx' }))
        .status,
    ).toBe(401);
    expect(
      (await t.api('GET', '/api/graphs', undefined, { authorization: `Bearer ${TOKEN}` })).status,
    ).toBe(200);
    expect(
      (await t.api('GET', '/api/graphs', undefined, { cookie: `other=1; parley_token=${TOKEN}` }))
        .status,
    ).toBe(200);
    // ?token= is for WebSockets and the editor's first page load, not for the API.
    expect((await t.api('GET', `/api/graphs?token=${TOKEN}`)).status).toBe(401);
  });

  it('sets the cookie when a page is opened with ?token=', async () => {
    const res = await fetch(`${t.url}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(
      /^parley_token=.+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    // Browsers read '//host' and '/\host' as another site: the redirect must stay here.
    const sneaky = await fetch(`${t.url}//evil.example?token=${TOKEN}`, { redirect: 'manual' });
    expect(sneaky.headers.get('location')).toBe('/evil.example');
  });

  it('requires the token on WebSockets: header, cookie or ?token=', async () => {
    expect(await upgradeStatus(`${t.wsUrl}/ws/pipecat?graph=echo`)).toBe(401);
    expect(await upgradeStatus(`${t.wsUrl}/ws/live`)).toBe(401);
    expect(await upgradeStatus(`${t.wsUrl}/ws/live?token=nope`)).toBe(401);
    expect(await upgradeStatus(`${t.wsUrl}/ws/live?token=${TOKEN}`)).toBe(101);
    expect(await upgradeStatus(`${t.wsUrl}/ws/live`, { authorization: `Bearer ${TOKEN}` })).toBe(
      101,
    );
    expect(await upgradeStatus(`${t.wsUrl}/ws/live`, { cookie: `parley_token=${TOKEN}` })).toBe(
      101,
    );
    // The Pipecat client's own `token` connect param becomes ?token=.
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo&token=${TOKEN}`);
    await s.close();
  });

  it('checks the Origin of browser WebSockets', async () => {
    const ok = `${t.wsUrl}/ws/live?token=${TOKEN}`;
    expect(await upgradeStatus(ok, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(ok, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(ok, { origin: 'http://localhost:5173' })).toBe(101);
    expect(await upgradeStatus(ok, { origin: t.url })).toBe(101);
    expect(await upgradeStatus(ok, { origin: 'https://editor.example' })).toBe(101);
  });
});

describe('without PARLEY_TOKEN', () => {
  it('serves everything openly, and the editor build at / with an SPA fallback', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const { tmpdir } = await import('node:os');
    const editorDir = path.join(tmpdir(), `parley-editor-${process.pid}`);
    await mkdir(path.join(editorDir, 'assets'), { recursive: true });
    await writeFile(
      path.join(editorDir, 'index.html'),
      '<!doctype html><title>Parley editor</title>',
    );
    await writeFile(path.join(editorDir, 'assets', 'app.js'), 'console.log(1)');
    const t = await startTestServer({ editorDir });
    try {
      expect((await t.api('GET', '/api/graphs')).status).toBe(200);
      expect(await (await fetch(`${t.url}/`)).text()).toContain('Parley editor');
      expect(await (await fetch(`${t.url}/graphs/echo`)).text()).toContain('Parley editor');
      expect(await (await fetch(`${t.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect((await t.api('GET', '/api/unknown')).status).toBe(404);
      expect(await upgradeStatus(`${t.wsUrl}/ws/live`)).toBe(101);
    } finally {
      await t.close();
      await (await import('node:fs/promises')).rm(editorDir, { recursive: true, force: true });
    }
  });
});
