/**
 * Local STT quality and speed on the spoken test set (test/fixtures/speech):
 * corpus WER, and the delay from the last audio chunk of a turn to its final
 * text. Audio is streamed in 20 ms chunks faster than real time; before the
 * last chunk the benchmark waits for the decoder to catch up, as a real-time
 * stream would have let it (RTF ≈ 0.1), so the delay is the finalisation cost
 * a live turn sees, not a backlog.
 *
 * Cold (the default) restores the decoder's start-up CMN state before every
 * utterance, which is exactly a fresh decoder: CMN is the only state a
 * pocketsphinx decoder carries from one utterance to the next. That is the
 * first turn of every session, the case that matters. Warm decodes the set in
 * order on one decoder, each utterance adapting the mean for the next.
 *
 * `npx tsx bench/stt-wer.ts [--accurate] [--model-cmn]` prints cold and warm
 * figures; the bench runner imports measureSttWer().
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  corpusWordErrorRate,
  type PocketsphinxMode,
  type PocketsphinxOptions,
  PocketsphinxRecognizer,
} from '#engine';
import { loadAllSpeechFixtures, pcmChunks } from '../test/fixtures/speech/speechFixtures.ts';

export interface SttWerOptions {
  mode?: PocketsphinxMode;
  /** Every utterance on a fresh decoder (default), or the set in order on one. */
  cold?: boolean;
  decoderArgs?: readonly string[];
  cmnPrior?: PocketsphinxOptions['cmnPrior'];
}

export interface SttWerFigures {
  /** Corpus word error rate (0..1+) over the whole set. */
  sttWer: number;
  /** Median ms from writing the last chunk of an utterance to its final text. */
  sttFinalDelayMs: number;
  /** Spawn to models loaded. */
  sttHelperStartupMs: number;
  /** Resident memory of one decoder process after the run. */
  sttDecoderRssMb: number;
  /** Decoding time / audio duration, streaming included. */
  sttRealTimeFactor: number;
  /** Per utterance, for eyeballing what the decoder hears. */
  hypotheses: Array<{ file: string; reference: string; hypothesis: string }>;
}

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-native.sh', import.meta.url));
const SAMPLE_RATE = 16_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function measureSttWer(options: SttWerOptions = {}): Promise<SttWerFigures> {
  execFileSync(BUILD_SCRIPT, { stdio: 'pipe' });
  const fixtures = loadAllSpeechFixtures();
  const recognizer = new PocketsphinxRecognizer({
    mode: options.mode ?? 'fast',
    decoderArgs: options.decoderArgs,
    cmnPrior: options.cmnPrior,
  });
  await recognizer.start();
  try {
    const initialCmn = await recognizer.getCmn();
    const pairs: Array<{ file: string; reference: string; hypothesis: string }> = [];
    const delays: number[] = [];
    let audioMs = 0;
    const decodeStart = performance.now();
    for (const fixture of fixtures) {
      const chunks = [...pcmChunks(fixture.samples, SAMPLE_RATE / 50)];
      const last = chunks.pop();
      if (options.cold ?? true) recognizer.setCmn(initialCmn);
      recognizer.beginUtterance();
      for (const chunk of chunks) {
        recognizer.write(chunk);
        await yieldToEventLoop();
      }
      await recognizer.flush();
      if (last) recognizer.write(last);
      const lastWrittenAt = performance.now();
      const { text } = await recognizer.endUtterance();
      delays.push(performance.now() - lastWrittenAt);
      pairs.push({ file: fixture.file, reference: fixture.reference, hypothesis: text });
      audioMs += (fixture.samples.length / SAMPLE_RATE) * 1000;
    }
    const decodeMs = performance.now() - decodeStart;
    const rss = (await recognizer.residentBytes()) ?? 0;
    return {
      sttWer: Number(corpusWordErrorRate(pairs).toFixed(4)),
      sttFinalDelayMs: Number(median(delays).toFixed(2)),
      sttHelperStartupMs: Number((recognizer.startupMs ?? 0).toFixed(1)),
      sttDecoderRssMb: Number((rss / 1024 / 1024).toFixed(1)),
      sttRealTimeFactor: Number((decodeMs / audioMs).toFixed(3)),
      hypotheses: pairs,
    };
  } finally {
    await recognizer.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode: PocketsphinxMode = process.argv.includes('--accurate') ? 'accurate' : 'fast';
  // The model's own start state, for comparing against the measured prior.
  const cmnPrior = process.argv.includes('--model-cmn') ? 'model' : undefined;
  for (const cold of [true, false]) {
    const { hypotheses, ...figures } = await measureSttWer({ mode, cold, cmnPrior });
    console.log(
      JSON.stringify(
        { mode, decoder: cold ? 'cold' : 'warm', cmnPrior: cmnPrior ?? 'default', ...figures },
        null,
        2,
      ),
    );
    if (process.argv.includes('--verbose')) {
      for (const h of hypotheses)
        console.log(`  ${h.file.padEnd(26)} ${JSON.stringify(h.hypothesis)}`);
    }
  }
}
