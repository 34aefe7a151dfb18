/**
 * Local STT quality and speed on the spoken test set (test/fixtures/speech):
 * corpus WER, and the delay from the last audio chunk of a turn to its final
 * text. Audio is streamed in 20 ms chunks faster than real time; before the
 * last chunk the benchmark waits for the decoder to catch up, as a real-time
 * stream would have let it (RTF ≈ 0.1), so the delay is the finalisation cost
 * a live turn sees, not a backlog.
 *
 * `npx tsx bench/stt-wer.ts` prints the figures; the bench runner imports measureSttWer().
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { corpusWordErrorRate } from '../engine/audio/wer.ts';
import { PocketsphinxRecognizer, type PocketsphinxMode } from '../engine/services/pocketsphinx/PocketsphinxRecognizer.ts';
import { loadAllSpeechFixtures, pcmChunks } from '../test/fixtures/speech/speechFixtures.ts';

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
}

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-native.sh', import.meta.url));
const SAMPLE_RATE = 16_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function measureSttWer(options: { mode?: PocketsphinxMode } = {}): Promise<SttWerFigures> {
  execFileSync(BUILD_SCRIPT, { stdio: 'pipe' });
  const fixtures = loadAllSpeechFixtures();
  const recognizer = new PocketsphinxRecognizer({ mode: options.mode ?? 'fast' });
  await recognizer.start();
  try {
    const pairs: Array<{ reference: string; hypothesis: string }> = [];
    const delays: number[] = [];
    let audioMs = 0;
    const decodeStart = performance.now();
    for (const fixture of fixtures) {
      const chunks = [...pcmChunks(fixture.samples, SAMPLE_RATE / 50)];
      const last = chunks.pop();
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
      pairs.push({ reference: fixture.reference, hypothesis: text });
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
    };
  } finally {
    await recognizer.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode: PocketsphinxMode = process.argv.includes('--accurate') ? 'accurate' : 'fast';
  console.log(JSON.stringify({ mode, ...(await measureSttWer({ mode })) }, null, 2));
}
