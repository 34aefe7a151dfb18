/**
 * A third-party browser app on Parley, end to end: a page built from
 * test/e2e/pipecat-client-page with the official Pipecat client
 * (`@pipecat-ai/client-js` + `@pipecat-ai/small-webrtc-transport`, nothing of
 * the editor's), served by the real server (default registry, the offline
 * voice-agent graph) and run in headless Chromium — the browser's own WebRTC
 * stack over loopback ICE — with a WAV as the microphone:
 *
 *   silence (connect) · "tell me a joke" · a pause (the bot starts its answer)
 *   · "stop" while the bot is still talking · silence (Chromium loops the file every 20 s)
 *
 * Asserted in the page: bot-ready; the user's final transcript; the bot's
 * remote track audible through a WebAudio AnalyserNode for a sustained stretch;
 * after the barge-in speech starts (measured on the page's own mic track) the
 * bot's audio goes silent within a generous bound and stays silent until the
 * bot answers again; RTVI shows user-started-speaking, bot-interrupted and
 * bot-stopped-speaking in between; the app's disconnect() ends the server's
 * session. Figures are printed. ~20 s. Run:
 * npx vitest run test/e2e/pipecatClient.e2e.test.ts
 *
 * Limits: the joke is ~4 s of audio and "stop" comes at a fixed point of the
 * file, so a machine so starved that the bot needs more than ~3 s to be
 * heard after the question (STT alone took 1.5–4 s with two of these suites
 * and other work on 2 cores) fails "the bot answered before the barge-in".
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readWav, writeWav } from '../../engine/audio/wav.ts';
import {
  CHROMIUM,
  type E2EServer,
  launchEditorBrowser,
  ROOT,
  SPEECH,
  startE2EServer,
  until,
} from './harness.ts';
import type { PageRecord, PageWindow } from './pipecat-client-page/record.ts';

const run = promisify(execFile);

/**
 * The microphone's script, in seconds, which Chromium loops every PERIOD:
 * LEAD covers connecting (bot-ready came 1.3–3 s after the mic opened here; when
 * it comes later, the next period's question is used); GAP is from the end of
 * the question to "stop", which lands 0.5–3 s into the bot's joke (~4.4 s of
 * audio) while the bot is heard 0.6–3.1 s after the question ends (1.1–2 s
 * seen). joke-rms.wav, not tell-me-a-joke.wav: after Chromium's audio
 * processing and Opus, pocketsphinx hears the latter as "tell me i don't".
 */
const LEAD_S = 6;
const GAP_S = 3.6;
const PERIOD_S = 20;
const QUESTION = path.join(SPEECH, 'joke-rms.wav');
const BARGE_IN = path.join(SPEECH, 'stop.wav');

/** RMS (full scale 1) above which the bot's track or the mic counts as sounding. */
const LOUD = 0.01;
/** Generous: the machine is shared; the measured figure is printed. */
const STOP_BOUND_MS = 1500;

/**
 * Builds the page with vite into a temp dir (~1 s): the server serves it at
 * `/`, the same origin as /api/offer (the server answers no CORS preflight).
 */
async function buildPage(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-pipecat-page-'));
  await run(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      path.join(import.meta.dirname, 'pipecat-client-page'),
      '--outDir',
      dir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, timeout: 60_000 },
  );
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Concatenates WAV files and stretches of silence (seconds) into `out`,
 * padded to `totalS`; returns each part's start (s).
 */
async function scriptWav(parts: Array<string | number>, totalS: number, out: string) {
  const pieces: Int16Array[] = [];
  const starts: number[] = [];
  let rate = 16000;
  let length = 0;
  for (const part of parts) {
    starts.push(length / rate);
    let samples: Int16Array;
    if (typeof part === 'number') samples = new Int16Array(Math.round(part * rate));
    else {
      const wav = readWav(await readFile(part), { mixToMono: true });
      if (length && wav.sampleRate !== rate)
        throw new Error(`${part}: ${wav.sampleRate} Hz, not ${rate}`);
      rate = wav.sampleRate;
      samples = wav.samples;
    }
    pieces.push(samples);
    length += samples.length;
  }
  const all = new Int16Array(Math.max(length, Math.round(totalS * rate)));
  let at = 0;
  for (const piece of pieces) {
    all.set(piece, at);
    at += piece.length;
  }
  await writeFile(out, writeWav(all, rate));
  return { starts, durationS: length / rate };
}

type Timeline = PageRecord['bot'];

/**
 * The stretches of `t` within [from, to) where it sounds (RMS above LOUD),
 * quieter gaps up to `bridgeMs` bridged (the pauses between words).
 */
function loudStretches(t: Timeline, from: number, to: number, bridgeMs: number) {
  const stretches: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < t.at.length; i++) {
    const at = t.at[i];
    if (at < from || at >= to || t.rms[i] <= LOUD) continue;
    const last = stretches.at(-1);
    if (last && at - last.end <= bridgeMs) last.end = at;
    else stretches.push({ start: at, end: at });
  }
  return stretches;
}

const ms = (value: number) => `${Math.round(value)} ms`;

describe.skipIf(!existsSync(CHROMIUM))(
  'the official Pipecat WebRTC client in headless Chromium',
  () => {
    let work: string;
    let built: Awaited<ReturnType<typeof buildPage>>;
    let server: E2EServer;
    let context: BrowserContext;
    let page: Page;
    let script: Awaited<ReturnType<typeof scriptWav>>;
    const pageErrors: string[] = [];
    let failed = false;

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'parley-e2e-pipecat-'));
      script = await scriptWav(
        [LEAD_S, QUESTION, GAP_S, BARGE_IN],
        PERIOD_S,
        path.join(work, 'mic.wav'),
      );
      built = await buildPage();
      server = await startE2EServer(built.dir);
      ({ context, page } = await launchEditorBrowser({
        wav: path.join(work, 'mic.wav'),
        profileDir: path.join(work, 'profile'),
      }));
      page.on('pageerror', (e) => pageErrors.push(`[pageerror] ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && pageErrors.push(`[console] ${m.text()}`));
    }, 60_000);

    afterAll(async () => {
      await context?.close().catch(() => {});
      await server?.close();
      await built?.cleanup();
      if (work && !failed) await rm(work, { recursive: true, force: true });
    }, 20_000);

    const record = () =>
      page.evaluate(() => (window as unknown as PageWindow).__pipecatPage) as Promise<PageRecord>;
    const sessions = async () =>
      (await server.api<Array<{ graph: string; transport: string }>>('GET', '/api/sessions')).body;

    it('connects, hears the user, plays audible bot audio, and goes silent on barge-in', {
      timeout: 75_000,
    }, async () => {
      onTestFailed(async () => {
        failed = true;
        const file = path.join(work, 'record.json');
        await writeFile(file, JSON.stringify(await record().catch(() => null)));
        console.error(
          `[e2e] pipecat client failed — page record: ${file}\n` +
            `[e2e] page errors:\n${pageErrors.join('\n') || '(none)'}`,
        );
      });
      await page.goto(`${server.url}/?graph=voice-agent`);

      // bot-ready.
      const ready = await until(
        async () => {
          const r = await record();
          if (r.state === 'failed') throw new Error(`connect failed: ${r.errors.join('; ')}`);
          return r.botReadyAt ? r : undefined;
        },
        20_000,
        'bot-ready',
      );
      const micAt = ready.micStartedAt ?? 0;
      const botReadyAt = ready.botReadyAt ?? 0;
      expect(micAt).toBeGreaterThan(0);
      // The first period of the mic file whose question starts after bot-ready.
      let period = 0;
      while (micAt + (period * PERIOD_S + script.starts[1]) * 1000 < botReadyAt + 500) period++;
      expect(period, 'bot-ready within the first period').toBeLessThanOrEqual(1);
      const periodAt = micAt + period * PERIOD_S * 1000;
      expect(await sessions()).toEqual([
        expect.objectContaining({ graph: 'voice-agent', transport: 'pipecat-webrtc' }),
      ]);

      // Wait for the bot's answer to the barge-in, and a little of its audio.
      const bargeInInFile = periodAt + script.starts[3] * 1000;
      await until(
        async () => {
          const r = await record();
          const answered = r.callbacks.find(
            (c) => c.name === 'bot-started-speaking' && c.at > bargeInInFile,
          );
          return answered && (r.bot.at.at(-1) ?? 0) > answered.at + 1500;
        },
        40_000,
        'the bot to answer the barge-in',
      );
      const r = await record();
      expect(r.errors).toEqual([]);

      // The page's own mic: the question, then the barge-in (the file starts ~0.3 s after
      // getUserMedia).
      const mic = loudStretches(r.mic, periodAt, Number.POSITIVE_INFINITY, 700);
      const near = (offsetS: number) =>
        mic.find((s) => Math.abs(s.start - (periodAt + offsetS * 1000 + 300)) < 1000)?.start ?? 0;
      const questionAt = near(script.starts[1]);
      const questionEnd = mic.find((s) => s.start === questionAt)?.end ?? 0;
      const bargeInAt = near(script.starts[3]);
      expect(questionAt, 'the question sounded on the mic').toBeGreaterThan(0);
      expect(bargeInAt, 'the barge-in sounded on the mic').toBeGreaterThan(0);

      // The user's transcript (final), as the app gets it.
      const finals = r.callbacks.filter(
        (c) => c.name === 'user-transcript' && c.final && c.at > questionAt,
      );
      expect(finals[0]?.text).toMatch(/\bjoke\b/i);
      const firstSpeaking = r.callbacks.find(
        (c) => c.name === 'bot-started-speaking' && c.at > questionAt,
      );
      expect(firstSpeaking, 'the bot answered the question').toBeDefined();
      const firstAudible = loudStretches(r.bot, questionEnd, Number.POSITIVE_INFINITY, 150)[0];
      const answerMs = (firstAudible?.start ?? Number.POSITIVE_INFINITY) - questionEnd;
      expect(
        firstSpeaking?.at ?? 0,
        `the bot answered before the barge-in (heard ${ms(answerMs)} after the question)`,
      ).toBeLessThan(bargeInAt);

      // Bot audio audible in the page, sounding up to the barge-in.
      expect(r.botTrack).not.toBeNull();
      // 300 ms bridged: on a starved machine the audio stutters (gaps of 150–260 ms seen).
      const before = loudStretches(r.bot, firstSpeaking?.at ?? 0, bargeInAt, 300);
      const longest = Math.max(0, ...before.map((s) => s.end - s.start));
      const audibleMs = before.reduce((sum, s) => sum + s.end - s.start, 0);
      // How much answer there was to hear depends on when it began (0.6–3.1 s after the
      // question, "stop" at 3.6 s), so the bar is a share of that window: sounding for
      // most of it, with one stretch long enough to be speech, not a click.
      const windowMs = bargeInAt - (before[0]?.start ?? bargeInAt);
      expect(windowMs, 'bot audio began before the barge-in').toBeGreaterThan(300);
      expect(audibleMs / windowMs, 'bot audio sounding for most of its window').toBeGreaterThan(
        0.6,
      );
      expect(longest, 'a sustained stretch of bot audio').toBeGreaterThan(
        Math.min(500, windowMs * 0.5),
      );
      // Mid-answer: the bot's turn had not ended, and it sounded shortly before (a sentence gap
      // is ~0.4 s).
      expect(
        r.callbacks.some(
          (c) => c.name === 'bot-stopped-speaking' && c.at > firstSpeaking!.at && c.at < bargeInAt,
        ),
        'the bot finished before the barge-in',
      ).toBe(false);
      expect(before.at(-1)?.end ?? 0, 'bot audio shortly before the barge-in').toBeGreaterThan(
        bargeInAt - 700,
      );
      let peak = 0;
      r.bot.at.forEach((at, i) => {
        if (at >= (firstSpeaking?.at ?? 0) && at < bargeInAt) peak = Math.max(peak, r.bot.rms[i]);
      });

      // RTVI: the server heard the barge-in and interrupted the bot, which answers again after.
      const after = r.rtvi.filter((m) => m.at >= bargeInAt);
      const index = (type: string) => after.findIndex((m) => m.type === type);
      expect(index('user-started-speaking')).toBeGreaterThanOrEqual(0);
      expect(index('bot-interrupted')).toBeGreaterThanOrEqual(0);
      expect(index('bot-stopped-speaking')).toBeGreaterThanOrEqual(0);
      expect(index('bot-started-speaking')).toBeGreaterThan(index('bot-stopped-speaking'));
      const heardAt = after[index('user-started-speaking')].at;
      const resumedAt = after[index('bot-started-speaking')].at;

      // The bot's track goes silent after the barge-in began and stays so until the next answer.
      const tail = loudStretches(r.bot, bargeInAt, resumedAt, 150);
      const silentFrom = tail.at(-1)?.end ?? bargeInAt;
      const stopMs = silentFrom - bargeInAt;
      const answer = loudStretches(r.bot, resumedAt, Number.POSITIVE_INFINITY, 150);

      const said = finals.map((c) => c.text).join(' | ');
      const readyMs = botReadyAt - (r.connectStartedAt ?? 0);
      const lagMs = (firstAudible?.start ?? 0) - (firstSpeaking?.at ?? 0);
      const botSaid = r.callbacks
        .filter((c) => c.name === 'bot-output' && c.at > questionAt)
        .map((c) => c.text);
      console.log(
        [
          `[e2e] pipecat client: bot-ready ${ms(readyMs)} after connect()` +
            (period ? ' (after the first question: the next one was used)' : ''),
          `[e2e]   user said: ${said}; bot said: ${botSaid.join(' | ')}`,
          `[e2e]   bot heard in the page ${ms(answerMs)} after the question ended on the mic, ` +
            `${ms(lagMs)} after bot-started-speaking`,
          `[e2e]   bot audio before the barge-in: ${ms(audibleMs)} loud ` +
            `(longest ${ms(longest)}), ` +
            `peak RMS ${peak.toFixed(3)}`,
          `[e2e]   barge-in: the bot's audio silent ${ms(stopMs)} ` +
            'after the barge-in began on the mic ' +
            `(user-started-speaking reached the page after ${ms(heardAt - bargeInAt)}), ` +
            `then silent ${ms(resumedAt - silentFrom)} until the bot answered again`,
          `[e2e]   RTVI after the barge-in: ${after
            .map((m) => m.type)
            .filter((t) => t !== 'metrics')
            .slice(0, 8)
            .join(', ')}`,
        ].join('\n'),
      );
      expect(stopMs).toBeLessThan(STOP_BOUND_MS);
      expect(resumedAt - silentFrom).toBeGreaterThan(300);
      // The answer to the barge-in is audible: the track was silenced, not broken.
      expect(answer[0]?.end ?? 0).toBeGreaterThan((answer[0]?.start ?? 0) + 100);

      // The app hangs up: the server's session ends.
      await page.evaluate(() =>
        (
          window as unknown as { pipecatClient: { disconnect(): Promise<void> } }
        ).pipecatClient.disconnect(),
      );
      await until(async () => (await sessions()).length === 0, 10_000, 'the session to end');
    });
  },
);
