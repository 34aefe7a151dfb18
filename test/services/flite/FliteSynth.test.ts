import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dbfs } from '../../../engine/audio/level.ts';
import { FliteSynth } from '../../../engine/providers/flite/FliteSynth.ts';

const TWENTY_WORDS =
  'Good morning, the weather in Tokyo today is sunny and warm, so you will not need an umbrella this afternoon at all.';

describe('FliteSynth', () => {
  const synth = new FliteSynth({ workers: 2 });
  afterAll(async () => {
    await synth.close();
  });

  it('lists the built-in voices', async () => {
    const voices = await synth.voices();
    expect(voices).toEqual(expect.arrayContaining(['kal', 'kal16', 'slt', 'rms', 'awb']));
    expect(voices).not.toContain('awb_time');
  });

  it('speaks a question as non-silent 16 kHz audio of plausible length', async () => {
    const { samples, sampleRate } = await synth.synthesize('What is the weather in Tokyo?', {
      voice: 'slt',
    });
    expect(sampleRate).toBe(16000);
    const seconds = samples.length / sampleRate;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(3);
    expect(dbfs(samples)).toBeGreaterThan(-35);
  });

  it('uses each voice at its own rate (kal is 8 kHz)', async () => {
    const kal = await synth.synthesize('Hello there.', { voice: 'kal' });
    expect(kal.sampleRate).toBe(8000);
    expect(dbfs(kal.samples)).toBeGreaterThan(-35);
  });

  it('runs two syntheses at once', async () => {
    const [a, b] = await Promise.all([
      synth.synthesize('The first sentence is here.', { voice: 'rms' }),
      synth.synthesize('And this is the second one.', { voice: 'awb' }),
    ]);
    for (const r of [a, b]) {
      expect(r.samples.length / r.sampleRate).toBeGreaterThan(0.8);
      expect(dbfs(r.samples)).toBeGreaterThan(-35);
    }
  });

  it('speaks faster with a higher rate', async () => {
    const normal = await synth.synthesize(TWENTY_WORDS, { voice: 'slt' });
    const fast = await synth.synthesize(TWENTY_WORDS, { voice: 'slt', rate: 1.5 });
    expect(fast.samples.length / normal.samples.length).toBeCloseTo(1 / 1.5, 1);
  });

  it('rejects an unknown voice clearly', async () => {
    await expect(synth.synthesize('Hi.', { voice: 'galadriel' })).rejects.toThrow(
      /unknown voice "galadriel".*slt/,
    );
  });

  it('rejects a request aborted while queued', async () => {
    const controller = new AbortController();
    const busy = [1, 2].map(() => synth.synthesize(TWENTY_WORDS, { voice: 'rms' }));
    const queued = synth.synthesize(TWENTY_WORDS, { voice: 'rms', signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toThrow(/abort/i);
    await Promise.all(busy);
  });

  it('synthesizes off the main thread: the event loop keeps turning meanwhile', async () => {
    // Timing figures live in `npm run bench:offline`; this checks the property, not a duration.
    await synth.synthesize('Warm up.', { voice: 'slt' });
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await synth.synthesize(TWENTY_WORDS, { voice: 'slt' });
    running = false;
    expect(result.samples.length).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(5);
  });

  it('refuses work after close()', async () => {
    const other = new FliteSynth();
    await other.voices();
    await other.close();
    await expect(other.synthesize('Hi.', { voice: 'slt' })).rejects.toThrow(/closed/);
  });

  it('keeps a plain Node process alive until the audio arrives, then lets it exit', async () => {
    // Idle workers are unref'd; a request waiting for a worker must still hold the process open.
    const dir = mkdtempSync(join(tmpdir(), 'parley-flite-test-'));
    try {
      const synthUrl = pathToFileURL(
        fileURLToPath(new URL('../../../engine/providers/flite/FliteSynth.ts', import.meta.url)),
      ).href;
      const script = join(dir, 'speak.mts');
      writeFileSync(
        script,
        `import { FliteSynth } from ${JSON.stringify(synthUrl)};\n` +
          `const audio = await new FliteSynth().synthesize('Hello.', { voice: 'kal16' });\n` +
          `console.log(audio.sampleRate, audio.samples.length > 4000);\n`,
      );
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, script], {
        timeout: 20_000,
      });
      expect(stdout.trim()).toBe('16000 true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
