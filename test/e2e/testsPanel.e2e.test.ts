/**
 * The editor's Tests panel end to end, in headless Chromium against the real
 * server and the offline default agent (issue 18, "Done when"):
 *
 *   (a) run part of the starter suite against the draft: PASS per scenario,
 *       and the comparison with the deployed revision, old beside new;
 *   (b) Talk to the agent with a WAV as the microphone, hang up, "Save as
 *       scenario": it is listed, its expectations are editable (an invalid
 *       edit is refused with the JSON path), and it passes against the draft;
 *   (c) remove the weather tool from the draft, without deploying: the same
 *       scenario fails, naming the turn and the expectation.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../engine/audio/wav.ts';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { silentLogger } from '../../engine/core/Logger.ts';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { createServer, type ParleyServer } from '../../server/createServer.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import {
  buildEditor,
  CHROMIUM,
  FailureEvidence,
  launchEditorBrowser,
  loopingWav,
  ROOT,
  SPEECH,
} from './harness.ts';

interface GraphDoc {
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
}

/**
 * The question after 4 s of quiet, then quiet until 16 s: the editor asks the
 * server to record once it knows the session id (after bot-ready), and
 * Chromium starts the file as soon as the microphone opens.
 */
async function micWav(dir: string): Promise<string> {
  const question = readWav(await readFile(path.join(SPEECH, 'weather-tokyo.wav')), {
    mixToMono: true,
  });
  const lead = Math.round(question.sampleRate * 4);
  const padded = new Int16Array(lead + question.samples.length);
  padded.set(question.samples, lead);
  const file = path.join(dir, 'question.wav');
  await writeFile(file, writeWav(padded, question.sampleRate));
  return loopingWav(file, 16, path.join(dir, 'mic.wav'));
}

describe.skipIf(!existsSync(CHROMIUM))(
  'the Tests panel end to end (headless Chromium, real server)',
  () => {
    let work: string;
    let editor: Awaited<ReturnType<typeof buildEditor>>;
    let weather: FakeOpenMeteo;
    let server: ParleyServer;
    let url: string;
    let context: BrowserContext;
    let page: Page;
    const evidence = new FailureEvidence(
      () => work,
      () => page,
    );

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'parley-e2e-tests-'));
      const [built, wav] = await Promise.all([buildEditor(), micWav(work)]);
      editor = built;
      weather = new FakeOpenMeteo();
      const weatherUrl = await weather.start();
      const graphsDir = path.join(work, 'graphs');
      const graph = JSON.parse(
        await readFile(path.join(ROOT, 'graphs/voice-agent.json'), 'utf8'),
      ) as GraphDoc;
      for (const node of graph.nodes)
        if (node.type === 'tool.weather' || node.type === 'tool.clock')
          node.config = { ...node.config, baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl };
      await cp(
        path.join(ROOT, 'scenarios/default-agent'),
        path.join(work, 'scenarios/default-agent'),
        {
          recursive: true,
        },
      );
      await writeFile(path.join(work, 'voice-agent.json'), JSON.stringify(graph));
      await cp(path.join(work, 'voice-agent.json'), path.join(graphsDir, 'voice-agent.json'));
      server = createServer({
        registry: createDefaultRegistry(),
        graphsDir,
        env: {},
        logger: silentLogger,
        editorDir: editor.dir,
        scenarios: { dir: path.join(work, 'scenarios') },
      });
      ({ url } = await server.listen(0, '127.0.0.1'));
      ({ context, page } = await launchEditorBrowser({
        wav,
        profileDir: path.join(work, 'profile'),
      }));
      evidence.watch(page);
      page.setDefaultTimeout(10_000);
    }, 90_000);

    afterAll(async () => {
      await context?.close().catch(() => {});
      await server?.close();
      await weather?.stop();
      await closeSharedServices();
      await editor?.cleanup();
      if (work && !evidence.failed) await rm(work, { recursive: true, force: true });
    }, 30_000);

    const status = (name: string) => page.getByTestId(`status-${name}`).textContent();
    const runAndWait = async (timeout: number) => {
      await page.getByTestId('tests-run').click();
      await expect
        .poll(() => page.getByTestId('tests-progress').getAttribute('data-state'), { timeout })
        .toBe('done');
    };

    it('(a) runs starter scenarios against the draft and shows PASS with the comparison', {
      timeout: 90_000,
    }, async () => {
      evidence.screenshotOnFailure('a-starter-suite');
      await page.goto(`${url}/?graph=voice-agent`);
      await page.getByTestId('node-vad').waitFor();
      await page.getByTestId('tab-tests').click();
      await page.getByTestId('scenario-weather-tokyo').waitFor();
      expect(await page.getByTestId('tests-suite').inputValue()).toBe('default-agent');
      // Two of the four keep the test short; the whole suite runs in npm test.
      await page.getByTestId('scenario-check-barge-in').uncheck();
      await page.getByTestId('scenario-check-follow-up').uncheck();
      await runAndWait(75_000);
      expect(await status('weather-tokyo')).toBe('PASS');
      expect(await status('joke')).toBe('PASS');
      expect(await page.getByTestId('status-barge-in').count()).toBe(0);

      await page.getByTestId('scenario-open-weather-tokyo').click();
      const detail = page.getByTestId('result-detail-weather-tokyo');
      await expect
        .poll(() => detail.getByTestId('checks-turn-1').textContent())
        .toContain('✓ tool get_weather');
      const turn = detail.getByTestId('comparison-turn-1');
      const cells = async (row: string) =>
        turn.getByTestId(`row-${row}`).locator('td').allTextContents();
      const [, , oldHeard, newHeard] = await cells('heard');
      expect(oldHeard.toLowerCase()).toContain('tokyo');
      expect(newHeard).toBe(oldHeard);
      const [, , , newTools] = await cells('tools');
      expect(newTools).toContain('get_weather');
      expect(newTools.toLowerCase()).toContain('tokyo');
      const [, label, oldV2v, newV2v] = await cells('voice-to-voice');
      expect(label).toBe('voice-to-voice');
      expect(oldV2v).toMatch(/\d+ ms/);
      expect(newV2v).toMatch(/\d+ ms/);
      expect(await detail.getByTestId('comparison').textContent()).toContain('deployed revision');
    });

    it('(b) saves a finished Talk session as a scenario, edits it with validation, and it passes against the draft', {
      timeout: 120_000,
    }, async () => {
      evidence.screenshotOnFailure('b-save-as-scenario');
      await page.getByTestId('tab-talk').click();
      await page.getByTestId('talk-start').click();
      await expect
        .poll(() => page.getByTestId('talk-status').textContent(), { timeout: 20_000 })
        .toContain('live view');
      const botLine = page.locator('[data-testid="transcript-bot"]:not(.interim) .text');
      await expect
        .poll(async () => (await botLine.count()) > 0 && (await botLine.first().textContent()), {
          timeout: 30_000,
        })
        .toMatch(/tokyo/i);
      await page.getByTestId('talk-stop').click();

      const save = page.getByTestId('save-as-scenario');
      await expect.poll(() => save.isEnabled(), { timeout: 15_000 }).toBe(true);
      await save.click();
      await page.getByTestId('save-scenario-suite').fill('e2e');
      await page.getByTestId('save-scenario-name').fill('tokyo-talk');
      await page.getByTestId('save-scenario-submit').click();

      // Saved: the Tests panel opens on it, with its generated expectations to edit.
      const text = page.getByTestId('scenario-text');
      await text.waitFor({ timeout: 15_000 });
      const saved = await text.inputValue();
      expect(JSON.parse(saved).turns[0].expect.toolCalled).toMatchObject({ name: 'get_weather' });
      await text.fill(saved.replace(/"replyMatches": "/, '"replyMatches": "('));
      await page.getByTestId('scenario-save').click();
      await expect
        .poll(() => page.getByTestId('scenario-problems').textContent())
        .toContain('turns.0.expect.replyMatches: not a valid regular expression');
      await page.getByTestId('scenario-close').click();

      expect(await page.getByTestId('tests-suite').inputValue()).toBe('e2e');
      await page.getByTestId('scenario-tokyo-talk').waitFor();
      await runAndWait(60_000);
      expect(await status('tokyo-talk')).toBe('PASS');
      await page.getByTestId('scenario-open-tokyo-talk').click();
      const detail = page.getByTestId('result-detail-tokyo-talk');
      expect(await detail.getByTestId('comparison').textContent()).toContain('saved recording');
    });

    it('(c) breaks the draft (no weather tool) without deploying: the scenario fails naming the turn and the expectation', {
      timeout: 90_000,
    }, async () => {
      evidence.screenshotOnFailure('c-broken-draft');
      await page.locator('.react-flow__controls-fitview').click();
      await page.getByTestId('node-weather').click({ force: true });
      await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
      await page.keyboard.press('Delete');
      await expect.poll(() => page.getByTestId('node-weather').count()).toBe(0);

      await runAndWait(60_000);
      expect(await status('tokyo-talk')).toBe('FAIL');
      expect(await page.getByTestId('first-failure-tokyo-talk').textContent()).toMatch(
        /^tokyo-talk: turn 1 'tokyo-talk\/turn-1\.wav': expected /,
      );
      await page.getByTestId('scenario-open-tokyo-talk').click();
      const failures = await page
        .getByTestId('result-detail-tokyo-talk')
        .getByTestId('failures')
        .locator('li')
        .allTextContents();
      expect(failures).toContainEqual(
        expect.stringMatching(
          /^tokyo-talk: turn 1 'tokyo-talk\/turn-1\.wav': expected tool get_weather with \{"location":"tokyo"\}, got no tool call/i,
        ),
      );
      // Nothing was deployed: the server's graph still has its weather tool, the editor's draft is unsaved.
      const stored = (await (await fetch(`${url}/api/graphs/voice-agent`)).json()) as {
        graph: GraphDoc;
      };
      expect(stored.graph.nodes.some((n) => n.id === 'weather')).toBe(true);
      expect(await page.getByTestId('dirty-indicator').textContent()).toContain('unsaved');
    });
  },
);
