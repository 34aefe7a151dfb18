/**
 * The fake providers for the latency bench, in their own process so their
 * work does not count against the engine's event loop (a real provider is on
 * another machine): FakeOpenAI with a 200 ms first token and a 100 ms first
 * audio byte, FakeDeepgram answering every Finalize with a transcript.
 * Prints `{"openai": url, "deepgram": url}` on stdout when listening.
 */
import { FakeDeepgram } from '../../../test/fakes/FakeDeepgram.ts';
import { FakeOpenAI } from '../../../test/fakes/FakeOpenAI.ts';
import { LLM_TTFB_MS, TTS_TTFB_MS } from './graphs.ts';

/** Scripts are consumed one per request; enough for any bench run. */
const REQUESTS = 50_000;

const openai = new FakeOpenAI({
  chat: Array.from({ length: REQUESTS }, () => ({
    text: 'Sure. Here is a short answer that keeps the bot talking for a moment.',
    firstByteDelayMs: LLM_TTFB_MS,
  })),
  speech: Array.from({ length: REQUESTS }, () => ({
    firstByteDelayMs: TTS_TTFB_MS,
    durationMs: 1500,
  })),
});
const deepgram = new FakeDeepgram({
  finalizeTranscripts: Array.from({ length: REQUESTS }, () => 'tell me a joke'),
});

if (process.argv.includes('--serve')) {
  const urls = { openai: await openai.start(), deepgram: await deepgram.start() };
  // Only ids are kept: recording every request body would grow without bound in a long ramp.
  setInterval(() => {
    openai.requests.length = 0;
    deepgram.listens.length = 0;
    deepgram.speaks.length = 0;
  }, 5000).unref();
  process.stdout.write(`${JSON.stringify(urls)}\n`);
  process.on(
    'SIGTERM',
    () => void Promise.all([openai.stop(), deepgram.stop()]).finally(() => process.exit(0)),
  );
}
