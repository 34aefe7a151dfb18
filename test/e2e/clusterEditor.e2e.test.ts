/**
 * The editor on one worker of a cluster (two real servers sharing a real redis-server)
 * lists a call held by the other worker and opens its live view there: the turn the
 * other worker's session takes shows up in this editor's waterfall.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { REDIS_SERVER, type RedisServer, startRedisServer } from '../helpers/redisServer.ts';
import { RawPipecatSocket } from '../server/helpers/RawPipecatSocket.ts';
import {
  buildEditor,
  CHROMIUM,
  type E2EServer,
  launchEditorBrowser,
  startE2EServer,
  until,
} from './harness.ts';

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(REDIS_SERVER))(
  "the editor on one worker watches another worker's call",
  () => {
    let redis: RedisServer;
    let built: Awaited<ReturnType<typeof buildEditor>>;
    const workers: E2EServer[] = [];
    let work: string;
    let context: BrowserContext;
    let page: Page;
    let call: RawPipecatSocket | undefined;

    beforeAll(async () => {
      redis = await startRedisServer();
      built = await buildEditor();
      for (const workerId of ['a', 'b'])
        workers.push(
          await startE2EServer(built.dir, {
            cluster: { redisUrl: redis.url, workerId, heartbeatMs: 200 },
          }),
        );
      work = await mkdtemp(path.join(tmpdir(), 'parley-e2e-cluster-'));
      ({ context, page } = await launchEditorBrowser({ profileDir: path.join(work, 'profile') }));
    }, 90_000);

    afterAll(async () => {
      await call?.close();
      await context?.close().catch(() => {});
      for (const w of workers) await w.close();
      await built?.cleanup();
      await redis?.close();
      if (work) await rm(work, { recursive: true, force: true });
    }, 30_000);

    it("lists the call on worker b in the Talk panel of worker a, and its live view shows b's turn", {
      timeout: 60_000,
    }, async () => {
      const [a, b] = workers;
      await until(
        async () => (await a.server.cluster.directory?.workers())?.length === 2,
        5_000,
        'both workers registered',
      );
      call = await RawPipecatSocket.ready(
        `${b.url.replace(/^http/, 'ws')}/ws/pipecat?graph=voice-agent`,
      );
      const [held] = b.server.sessions.list();
      expect(a.server.sessions.size, 'the call is not on a').toBe(0);

      await page.goto(`${a.url}/?graph=voice-agent`);
      await page.getByTestId('node-vad').waitFor();
      await page.getByTestId('tab-talk').click();
      const watch = page.getByTestId(`watch-${held.id}`);
      await watch.waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('other-sessions').textContent()).toContain('on b');
      await watch.click();

      // The caller on b asks something; a's editor sees the turn through the relay.
      const question = loadSpeechFixture('weather-tokyo.wav');
      for (const chunk of [...pcmChunks(question.samples), ...pcmChunks(new Int16Array(16000))]) {
        call.sendAudio(chunk);
        await new Promise((r) => setTimeout(r, 20));
      }
      const turns = page.locator('[data-testid^="turn-row-"]');
      await turns
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(async (error: Error) => {
          const panel = (await page.locator('body').textContent()) ?? '';
          const onB = await b.api('GET', `/api/sessions/${held.id}`);
          throw new Error(
            `${error.message}\n--- page:\n${panel.slice(0, 3000)}\n--- b's session: ${JSON.stringify(onB.body).slice(0, 1500)}`,
          );
        });
      expect(a.server.sessions.size, 'still no call on a').toBe(0);
    });
  },
);
