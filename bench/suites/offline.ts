/**
 * The offline voice agent's components, measured alone: STT word error rate
 * and final-transcript delay on the spoken test set, Flite time to first audio
 * and real-time factor, Silero VAD cost per 32 ms window. Then the eval
 * (offline/): word error rate and intent accuracy of the default graph's front
 * end and responder in noise, reverb, gain and telephone conditions, on a
 * tuning and a held-out set (bench/README.md, "The offline suite").
 *
 * OFFLINE_ONLY=components or OFFLINE_ONLY=eval runs one part; the other
 * part's figures are carried over from the last results/offline.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type FliteSettings,
  FliteSynth,
  FliteTts,
  ProcessorHarness,
  readWav,
  SILERO_WINDOW_SAMPLES,
  SileroVadModel,
} from '#engine';
import { median, writeResults } from '../lib/results.ts';
import { measureSttWer } from '../stt-wer.ts';
import { measureEval } from './offline/evalFigures.ts';

const SENTENCES = [
  'In Tokyo it is eighteen degrees Celsius, partly cloudy.',
  'Why do programmers prefer dark mode? Because light attracts bugs.',
  'Hello! I am Parley. Ask me about the weather anywhere, or for a joke.',
  'Sorry, I could not reach the weather service just now, please try again in a minute.',
];

/** Through the TTS processor, as a session uses it: tts.text in → first audio.out. */
async function measureFlite(
  voice: FliteSettings['voice'],
): Promise<{ firstAudioMs: number; realTimeFactor: number }> {
  const synth = new FliteSynth({ workers: 2 });
  const h = new ProcessorHarness(new FliteTts('tts', { voice, rate: 1 }, synth));
  await h.start();
  await h.idle();
  const firsts: number[] = [];
  const factors: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const text of SENTENCES) {
      const seen = h.emitted.length;
      const t0 = performance.now();
      h.processor.receive(h.frame('tts.text', { text }), 'downstream');
      while (!h.emitted.slice(seen).some((e) => e.frame.type === 'audio.out'))
        await new Promise((r) => setImmediate(r));
      firsts.push(performance.now() - t0);
      await h.idle();
      const audioMs = h.emitted
        .slice(seen)
        .reduce(
          (ms, e) =>
            ms +
            (e.frame.type === 'audio.out' ? (e.frame.audio.length / e.frame.sampleRate) * 1000 : 0),
          0,
        );
      factors.push((performance.now() - t0) / audioMs);
      // Sentences reach a TTS one by one as the LLM writes them, not back to back.
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await synth.close();
  return { firstAudioMs: median(firsts), realTimeFactor: median(factors) };
}

async function measureVad(): Promise<number> {
  const wav = readWav(readFileSync('test/fixtures/speech/weather-tokyo.wav'), { mixToMono: true });
  const model = await SileroVadModel.create();
  const per: number[] = [];
  for (let round = 0; round < 5; round++) {
    model.reset();
    const t0 = performance.now();
    let windows = 0;
    for (
      let i = 0;
      i + SILERO_WINDOW_SAMPLES <= wav.samples.length;
      i += SILERO_WINDOW_SAMPLES, windows++
    ) {
      await model.probability(wav.samples.subarray(i, i + SILERO_WINDOW_SAMPLES));
    }
    per.push((performance.now() - t0) / windows);
  }
  await model.release();
  return median(per);
}

const RESULTS = fileURLToPath(new URL('../results/offline.json', import.meta.url));
const COMPONENT_KEYS = [
  'sttWer',
  'sttFinalDelayMs',
  'ttsFirstAudioMs',
  'ttsRealTimeFactor',
  'vadMsPerWindow',
];

async function measureComponents(): Promise<Record<string, number>> {
  const stt = await measureSttWer({ mode: 'fast' });
  const flite = await measureFlite('slt');
  const vadMsPerWindow = await measureVad();
  return {
    sttWer: round(stt.sttWer, 3),
    sttFinalDelayMs: round(stt.sttFinalDelayMs, 1),
    ttsFirstAudioMs: round(flite.firstAudioMs, 1),
    ttsRealTimeFactor: round(flite.realTimeFactor, 3),
    vadMsPerWindow: round(vadMsPerWindow, 3),
  };
}

export async function runOfflineBench(): Promise<Record<string, number>> {
  const only = process.env.OFFLINE_ONLY;
  if (only !== undefined && only !== 'components' && only !== 'eval')
    throw new Error(`OFFLINE_ONLY=${only}: expected 'components' or 'eval'`);
  const previous = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
    : {};
  const carried = (wanted: (key: string) => boolean) =>
    Object.fromEntries(
      Object.entries(previous).filter(([k, v]) => typeof v === 'number' && wanted(k)),
    ) as Record<string, number>;
  const components =
    only === 'eval' ? carried((k) => COMPONENT_KEYS.includes(k)) : await measureComponents();
  const evaluation =
    only === 'components'
      ? {
          figures: carried((k) => !COMPONENT_KEYS.includes(k)),
          detail: previous.evalDetail as Record<string, unknown> | undefined,
        }
      : await measureEval((line) => console.log(line));
  const figures = { ...components, ...evaluation.figures };
  writeResults('offline', figures);
  // The per-variant table does not fit the flat figures; it is stored beside them.
  if (evaluation.detail) {
    const written = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ ...written, evalDetail: evaluation.detail }, null, 2)}\n`,
    );
  }
  return figures;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
