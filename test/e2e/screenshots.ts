/**
 * Regenerates the README screenshots (docs/editor-*.png) from a real run:
 * a fresh editor build, the real server and node types, headless Chromium
 * talking through a WAV microphone. Not part of the test run.
 *
 *   npx tsx test/e2e/screenshots.ts
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildEditor,
  connect,
  dropFromPalette,
  launchEditorBrowser,
  loopingWav,
  ROOT,
  SPEECH,
  startE2EServer,
  until,
} from './harness.ts';

const DOCS = path.join(ROOT, 'docs');

async function shot(page: Page, name: string): Promise<void> {
  // Let fitView animations and the last live tick settle.
  await page.waitForTimeout(600);
  const file = path.join(DOCS, name);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
  await mkdir(DOCS, { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'parley-shots-'));
  const wav = await loopingWav(
    path.join(SPEECH, process.env.WAV ?? 'weather-tokyo.wav'),
    12,
    path.join(work, 'mic.wav'),
  );
  const editor = await buildEditor();
  const server = await startE2EServer(editor.dir);
  const { context, page } = await launchEditorBrowser({
    wav,
    profileDir: path.join(work, 'profile'),
  });
  page.setDefaultTimeout(15_000);
  try {
    // 1. A new graph: the starter input → output.
    await page.goto(`${server.url}/`);
    await page.getByTestId('node-vad').waitFor();
    page.once('dialog', (d) => void d.accept('my-agent'));
    await page.getByTestId('graph-picker').selectOption('__new__');
    await page.getByTestId('node-in').waitFor();
    await page.locator('.react-flow__controls-fitview').click();
    await shot(page, 'editor-empty.png');

    // 2. Building: nodes dropped from the palette, wired handle to handle, the LLM's config open.
    await page.getByTestId('node-in').click();
    await page.getByTestId('node-out').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Delete');
    await page.locator('.react-flow__controls-zoomout').click();
    await page.locator('.react-flow__controls-zoomout').click();
    const drops: Array<[string, string, number, number]> = [
      ['transport.input', 'in', 0.1, 0.22],
      ['vad.silero', 'vad', 0.3, 0.22],
      ['stt.pocketsphinx', 'stt', 0.5, 0.22],
      ['context.user', 'user', 0.7, 0.22],
      ['llm.rules', 'llm', 0.9, 0.22],
      ['tool.weather', 'weather', 0.7, 0.55],
    ];
    for (const [type, id, fx, fy] of drops) {
      await dropFromPalette(page, type, fx, fy);
      await page.getByTestId(`node-${id}`).waitFor();
    }
    for (const [a, b] of [
      ['in', 'vad'],
      ['vad', 'stt'],
      ['stt', 'user'],
      ['user', 'llm'],
    ])
      await connect(page, a, b);
    // The tool goes into the LLM's tools handle (bottom).
    const from = await page
      .locator('[data-testid="node-weather"] .react-flow__handle.source')
      .boundingBox();
    const to = await page.locator('[data-testid="node-llm"] .tools-handle').boundingBox();
    if (from && to) {
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    await page.getByTestId('layout-button').click();
    await page.waitForTimeout(800);
    await page.getByTestId('node-llm').click();
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('field-persona').fill('Ada');
    await shot(page, 'editor-building.png');

    // 3. Talking to the default agent, with the latency waterfall filled.
    page.once('dialog', (d) => void d.accept()); // discard the unsaved sketch
    await page.getByTestId('graph-picker').selectOption('voice-agent');
    await page.getByTestId('node-vad').waitFor();
    await page.getByTestId('talk-button').click();
    // The waterfall shows the latest turn: wait until that one was answered and not cut off.
    await until(
      async () => {
        const last = page.locator('[data-testid^="turn-row-"]').last();
        if ((await last.count()) === 0) return false;
        const cells = await last.locator('td').allTextContents();
        return !cells[0].includes('✂') && /^\d+$/.test(cells[2] ?? '');
      },
      60_000,
      'an answered turn',
    );
    await until(
      async () => (await page.getByTestId('transcript-bot').count()) > 0,
      10_000,
      'a bot line',
    );
    await page.getByTestId('tab-talk').click();
    await shot(page, 'editor-talking.png');
    await page.getByTestId('talk-stop').click();
  } finally {
    await context.close();
    await server.close();
    await editor.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
