import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxRecognizer } from '../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { buildNativeHelper } from '../helpers/buildNativeHelper.ts';

const open: PocketsphinxRecognizer[] = [];
async function startRecognizer(): Promise<PocketsphinxRecognizer> {
  const recognizer = new PocketsphinxRecognizer({ mode: 'fast' });
  open.push(recognizer);
  await recognizer.start();
  return recognizer;
}

async function recognize(recognizer: PocketsphinxRecognizer, file: string): Promise<string> {
  recognizer.beginUtterance();
  for (const chunk of pcmChunks(loadSpeechFixture(file).samples)) recognizer.write(chunk);
  return (await recognizer.endUtterance()).text;
}

/**
 * pocketsphinx normalises features by a running cepstral mean that starts from
 * the model's prior and is re-estimated after every utterance. Synthetic
 * speech is far from that prior, and a single short utterance gives a jumpy
 * estimate, so a fresh decoder's first turns are decoded poorly. A live
 * session has heard its caller for a while; the content tests first feed ~8 s
 * of other speech from the set (none of the asserted utterances) as one
 * utterance. Decoding is deterministic, so this is stable.
 */
async function warmUp(recognizer: PocketsphinxRecognizer): Promise<void> {
  recognizer.beginUtterance();
  for (const file of [
    'how-are-you.wav',
    'airport.wav',
    'calendar.wav',
    'remind-milk.wav',
    'yes-please.wav',
  ]) {
    for (const chunk of pcmChunks(loadSpeechFixture(file).samples)) recognizer.write(chunk);
  }
  await recognizer.endUtterance();
}

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((recognizer) => recognizer.close()));
});

describe('PocketsphinxRecognizer', () => {
  it('recognises a spoken request', async () => {
    const recognizer = await startRecognizer();
    await warmUp(recognizer);
    const text = await recognize(recognizer, 'weather-tokyo.wav');
    expect(text).toContain('weather');
    expect(text).toContain('tokyo');
  });

  it('delivers changing partial hypotheses before the final one', async () => {
    const recognizer = await startRecognizer();
    await warmUp(recognizer);
    const events: string[] = [];
    recognizer.onPartial(({ text }) => events.push(`partial:${text}`));
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(loadSpeechFixture('weather-tokyo.wav').samples))
      recognizer.write(chunk);
    const final = await recognizer.endUtterance();
    events.push(`final:${final.text}`);

    const partials = events.filter((event) => event.startsWith('partial:'));
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toBe(`final:${final.text}`);
    // Only changed hypotheses are sent.
    expect(new Set(partials).size).toBe(partials.length);
  });

  it('reports a helper crash, rejects the pending result and can start again', async () => {
    const recognizer = await startRecognizer();
    const errors: Error[] = [];
    recognizer.onError((error) => errors.push(error));
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(loadSpeechFixture('kitchen-lights.wav').samples))
      recognizer.write(chunk);
    const pending = recognizer.endUtterance();
    // Decoding 2 s of queued audio takes far longer than delivering a signal.
    process.kill(recognizer.pid ?? 0, 'SIGKILL');

    await expect(pending).rejects.toThrow(
      /pocketsphinx helper exited \(code none, signal SIGKILL\)/,
    );
    expect(errors).toHaveLength(1);
    expect(recognizer.running).toBe(false);
    expect(() => recognizer.beginUtterance()).toThrow(/not running/);

    await recognizer.start();
    expect(recognizer.running).toBe(true);
    expect(await recognize(recognizer, 'stop.wav')).toBe('stop');
  });

  it('fails to start with a clear error when the helper is missing', async () => {
    const recognizer = new PocketsphinxRecognizer({
      helperPath: '/nonexistent/pocketsphinx-helper',
    });
    await expect(recognizer.start()).rejects.toThrow(/scripts\/build-native\.sh/);
    expect(recognizer.running).toBe(false);
  });

  it('keeps concurrent recognizers apart', async () => {
    const [a, b] = await Promise.all([startRecognizer(), startRecognizer()]);
    await Promise.all([warmUp(a), warmUp(b)]);
    const weather = [...pcmChunks(loadSpeechFixture('weather-tokyo.wav').samples)];
    const lights = [...pcmChunks(loadSpeechFixture('kitchen-lights.wav').samples)];
    a.beginUtterance();
    b.beginUtterance();
    for (let i = 0; i < Math.max(weather.length, lights.length); i++) {
      if (weather[i]) a.write(weather[i]);
      if (lights[i]) b.write(lights[i]);
    }
    const [textA, textB] = await Promise.all([a.endUtterance(), b.endUtterance()]).then((r) =>
      r.map((x) => x.text),
    );
    expect(textA).toContain('tokyo');
    expect(textA).not.toContain('lights');
    expect(textB).toContain('lights');
    expect(textB).not.toContain('tokyo');
  });

  it('drops a cancelled utterance and pipelines the next one', async () => {
    const recognizer = await startRecognizer();
    await warmUp(recognizer);
    const partials: string[] = [];
    recognizer.onPartial(({ text }) => partials.push(text));
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(loadSpeechFixture('tell-me-a-joke.wav').samples))
      recognizer.write(chunk);
    recognizer.cancelUtterance();
    // Begin the next one without waiting: the helper handles commands in order.
    const first = recognize(recognizer, 'stop.wav');
    const second = recognize(recognizer, 'weather-tokyo.wav');
    expect(await first).toBe('stop');
    expect(await second).toContain('tokyo');
    expect(partials.some((text) => text.includes('joke'))).toBe(false);
  });
});
