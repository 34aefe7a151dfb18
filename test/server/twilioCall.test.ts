import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePeak } from '../../engine/audio/level.ts';
import { resample } from '../../engine/audio/Resampler.ts';
import { writeWav } from '../../engine/audio/wav.ts';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import { FliteSynth } from '../../engine/providers/flite/FliteSynth.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import {
  type RealGraphServer,
  startRealGraphServer,
  withConfig,
} from './helpers/realGraphServer.ts';
import { TwilioCallSimulator } from './helpers/TwilioCallSimulator.ts';
import { waitFor } from './helpers/testServer.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GREETING = 'Hello! You are talking to Parley. Ask me about the weather anywhere.';
const LONDON = {
  name: 'London',
  latitude: 51.50853,
  longitude: -0.12574,
  country: 'United Kingdom',
  temperature: 11.2,
  weatherCode: 2,
};

/**
 * The caller's question, spoken by flite's awb voice and made here (flite is
 * deterministic) rather than taken from test/fixtures/speech. Why this one:
 * after the phone path (16 kHz → 8 kHz μ-law → 16 kHz) nothing above 4 kHz
 * is left, and pocketsphinx's wideband model hears almost none of the
 * espeak-ng or flite utterances we tried (Tokyo comes out as "in total", jokes
 * as "allred help"). "what's the weather in London" in awb's voice is heard
 * as "what whether in london" — the homophone is why graphs/phone-bot.json's
 * weather intent accepts "whether".
 */
async function speak(text: string, voice: string, file: string): Promise<void> {
  const flite = new FliteSynth();
  try {
    const audio = await flite.synthesize(text, { voice });
    const speech = normalizePeak(await resample(audio.samples, audio.sampleRate, 16000));
    const padded = new Int16Array(speech.length + 9600);
    padded.set(speech, 4800);
    await writeFile(file, writeWav(padded, 16000));
  } finally {
    await flite.close();
  }
}

/**
 * Waits for `answered`; if the bot replied something else (it misheard), asks
 * once more, like a caller would. Phone-band audio is at the edge of what the
 * wideband recogniser hears, and where the VAD cuts the utterance under load
 * can tip it; the transport, not the recogniser, is under test here.
 */
async function untilAnswered(
  call: TwilioCallSimulator,
  question: string,
  answered: () => boolean,
  what: string,
): Promise<void> {
  try {
    await waitFor(answered, 10_000, what);
  } catch {
    await call.silence(4000); // let the wrong reply finish
    await call.play(question);
    await call.silence(1000);
    await waitFor(answered, 15_000, `${what} (asked twice)`);
  }
}

/** graphs/phone-bot.json end to end over a scripted Twilio call: real VAD, STT, rules, weather tool (faked), Flite. */
describe('phone bot over Twilio Media Streams', () => {
  let meteo: FakeOpenMeteo;
  let t: RealGraphServer;
  let dir: string;
  let question: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-phone-'));
    question = path.join(dir, 'weather-london.wav');
    await speak("what's the weather in London", 'awb', question);
    meteo = new FakeOpenMeteo({ places: { london: LONDON } });
    const meteoUrl = await meteo.start();
    const phoneBot = JSON.parse(
      await readFile(path.join(ROOT, 'graphs/phone-bot.json'), 'utf8'),
    ) as { nodes: Array<{ id: string; config: Record<string, unknown> }> };
    t = await startRealGraphServer({
      'phone-bot': withConfig(phoneBot, {
        weather: { baseUrl: meteoUrl, geocodingBaseUrl: meteoUrl },
      }),
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await meteo?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('graphs/phone-bot.json is a valid graph the editor lists', async () => {
    const graph = JSON.parse(
      await readFile(path.join(ROOT, 'graphs/phone-bot.json'), 'utf8'),
    ) as unknown;
    const result = validateGraph(graph, createDefaultRegistry());
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    // The editor's list is GET /api/graphs over the graphs directory.
    const listed = (await (await fetch(`${t.url}/api/graphs`)).json()) as Array<{
      name: string;
      error?: string;
    }>;
    expect(listed.find((g) => g.name === 'phone-bot')).toMatchObject({ name: 'phone-bot' });
    expect(listed.find((g) => g.name === 'phone-bot')?.error).toBeUndefined();
  });

  it('greets, answers a weather question at 8 kHz, clears Twilio’s buffer on barge-in and remembers only what was heard', {
    timeout: 60_000,
  }, async () => {
    const voice = await fetch(`${t.url}/telephony/twilio/voice?graph=phone-bot`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA1&From=%2B15550001&To=%2B15550002',
    });
    const twiml = await voice.text();
    const streamUrl = /<Stream url="([^"]+)">/.exec(twiml)![1];
    const params = Object.fromEntries(
      [...twiml.matchAll(/<Parameter name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]),
    );
    expect(params.graph).toBe('phone-bot');

    const call = await TwilioCallSimulator.open(streamUrl);
    call.start(params);
    const spoken = () =>
      t.frames
        .filter((f) => f.frame.type === 'tts.text')
        .map((f) => (f.frame as { text: string }).text);
    const interrupts = () => t.frames.filter((f) => f.frame.type === 'interrupt');

    // The greeting is spoken sentence by sentence (text.sentences cuts it so speech starts on "Hello!"),
    // one mark per sentence; all three come back once the caller has heard it.
    await waitFor(
      () => call.marks.filter((m) => m.echoedAt !== undefined).length >= 3,
      20_000,
      'greeting to play',
    );
    expect(spoken().slice(0, 3).join(' ')).toBe(GREETING);
    expect(call.samplesBetween(0)).toBeGreaterThan(8000 * 3); // ~4 s of speech at 8 kHz
    expect(call.rmsBetween(0)).toBeGreaterThan(500);
    const session = [...t.frames].reverse()[0].session;
    expect(session.runner.session.conversation.messages).toEqual([
      { role: 'assistant', content: GREETING },
    ]);
    await call.silence(300);

    // The question, played in real time as μ-law 8 kHz.
    const askedAt = performance.now();
    await call.play(question);
    await call.silence(1000);
    await untilAnswered(
      call,
      question,
      () => spoken().some((s) => s.startsWith('In London')),
      'the weather answer',
    );
    expect(spoken()).toContain('Let me check the weather in London.');
    expect(spoken().find((s) => s.startsWith('In London'))).toMatch(
      /^In London it is 11(?:\.2)? degrees Celsius, partly cloudy\.$/,
    );
    expect(meteo.requests.some((r) => r.startsWith('/v1/forecast'))).toBe(true);
    await waitFor(() => call.samplesBetween(askedAt) > 8000 * 2, 10_000, 'reply audio');
    expect(call.rmsBetween(askedAt)).toBeGreaterThan(500);

    // Barge in while the answer plays: the server interrupts and Twilio gets `clear` within 100 ms.
    // First the opening sentence must have been heard to its end (its mark echoed), which the
    // conversation check below relies on; under load its audio can still be playing here.
    await waitFor(
      () => call.marks.some((m) => m.sentAt > askedAt && m.echoedAt !== undefined),
      10_000,
      'the first sentence of the answer to be heard',
    );
    await waitFor(
      () => spoken().length > 0 && call.samplesBetween(performance.now() - 100) > 0,
      5000,
      'the answer to be playing',
    );
    await new Promise((r) => setTimeout(r, 300));
    const clearsBefore = call.clears.length;
    const interruptsBefore = interrupts().length;
    const bargeInAt = performance.now();
    await call.play(question);
    await waitFor(
      () => interrupts().length > interruptsBefore && call.clears.length > clearsBefore,
      5000,
      'interrupt and clear',
    );
    const interruptAt = interrupts()[interruptsBefore].at;
    const clearAt = call.clears[clearsBefore];
    expect(clearAt - interruptAt).toBeLessThan(100);
    expect(clearAt - bargeInAt).toBeLessThan(1500);
    // No audio of the interrupted answer after the clear (the next answer comes only after the caller stops).
    const afterClear = call.samplesBetween(clearAt + 50, bargeInAt + 1500);
    expect(afterClear).toBe(0);

    // The conversation keeps only what the caller heard of the cut answer: a word-prefix of it, shorter than all of it.
    const replies = session.runner.session.conversation.messages
      .filter((m) => m.role === 'assistant')
      .map((m) => m.content);
    const cut = replies[replies.length - 1];
    // One reply: the words before the tool call and the answer after it, as the aggregator joins its segments.
    const full = `Let me check the weather in London. ${spoken().find((s) => s.startsWith('In London'))}`;
    expect(cut.startsWith('Let me check the weather in London.')).toBe(true); // its mark came back: heard to the end
    expect(full.startsWith(cut)).toBe(true);
    expect(cut.length).toBeLessThan(full.length);

    // The barge-in was a question too: it is answered.
    await call.silence(1000);
    await untilAnswered(
      call,
      question,
      () => spoken().filter((s) => s.startsWith('In London')).length >= 2,
      'the second answer',
    );

    call.stop();
    await waitFor(() => t.server.sessions.size === 0, 5000, 'hang-up');
  });
});
