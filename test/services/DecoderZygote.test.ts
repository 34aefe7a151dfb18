import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForkingLauncher } from '../../engine/providers/pocketsphinx/ForkingLauncher.ts';
import { PocketsphinxRecognizer } from '../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { buildNativeHelper } from '../helpers/buildNativeHelper.ts';
import { pocketsphinxProcesses } from '../helpers/processTree.ts';

let launcher: ForkingLauncher;
const recognizers: PocketsphinxRecognizer[] = [];

async function forked(): Promise<PocketsphinxRecognizer> {
  const recognizer = new PocketsphinxRecognizer({ launcher });
  recognizers.push(recognizer);
  await recognizer.start();
  return recognizer;
}

async function recognize(recognizer: PocketsphinxRecognizer, file: string): Promise<string> {
  recognizer.beginUtterance();
  for (const chunk of pcmChunks(loadSpeechFixture(file).samples)) recognizer.write(chunk);
  return (await recognizer.endUtterance()).text;
}

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await Promise.all(recognizers.splice(0).map((r) => r.close()));
  await launcher.close();
});

describe('decoders forked from a zygote', () => {
  it('recognise exactly what a decoder that loaded its own models does, and keep apart', async () => {
    launcher = new ForkingLauncher();
    const own = new PocketsphinxRecognizer();
    recognizers.push(own);
    await own.start();
    const [a, b] = await Promise.all([forked(), forked()]);
    expect(a.pid).not.toBe(b.pid);

    const [ownText, textA, textB] = await Promise.all([
      recognize(own, 'weather-tokyo.wav'),
      recognize(a, 'weather-tokyo.wav'),
      recognize(b, 'kitchen-lights.wav'),
    ]);
    expect(textA).toBe(ownText);
    expect(textA).toContain('tokyo');
    expect(textB).toContain('lights');
    const { decoders, zygotes } = pocketsphinxProcesses();
    expect(zygotes).toHaveLength(1);
    expect(decoders).toEqual(expect.arrayContaining([a.pid, b.pid]));
  });

  it('report a killed decoder with its signal, and fork a new one on restart', async () => {
    launcher = new ForkingLauncher();
    const recognizer = await forked();
    const errors: Error[] = [];
    recognizer.onError((error) => errors.push(error));
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(loadSpeechFixture('kitchen-lights.wav').samples))
      recognizer.write(chunk);
    const pending = recognizer.endUtterance();
    process.kill(recognizer.pid ?? 0, 'SIGKILL');

    await expect(pending).rejects.toThrow(
      /pocketsphinx helper exited \(code none, signal SIGKILL\)/,
    );
    expect(errors).toHaveLength(1);
    await recognizer.start();
    expect(await recognize(recognizer, 'stop.wav')).toBe('stop');
  });

  it('outlive a crashed zygote, which the next fork replaces', async () => {
    launcher = new ForkingLauncher();
    const first = await forked();
    const [zygote] = pocketsphinxProcesses().zygotes;
    process.kill(zygote, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));

    expect(await recognize(first, 'stop.wav')).toBe('stop');
    const second = await forked();
    expect(await recognize(second, 'stop.wav')).toBe('stop');
    expect(pocketsphinxProcesses().zygotes).not.toContain(zygote);
  });

  it('are all gone, zygote too, once the launcher is closed', async () => {
    launcher = new ForkingLauncher();
    await Promise.all([forked(), forked(), forked()]);
    expect(pocketsphinxProcesses().decoders).toHaveLength(3);
    // Closed with decoders still running: the launcher ends them.
    await launcher.close();
    expect(pocketsphinxProcesses()).toEqual({ decoders: [], zygotes: [] });
    await expect(new PocketsphinxRecognizer({ launcher }).start()).rejects.toThrow(
      /launcher closed/,
    );
  });
});
