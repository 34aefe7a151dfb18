/**
 * What vocabulary biasing buys, and what it costs outside the agent's domain:
 * `npx tsx engine/providers/pocketsphinx/measureBias.ts [--corpus DIR] [--weights 0,0.5] [--verbose]`.
 *
 * Three sets, decoded cold (every utterance a first turn) with the
 * responder's phrases (responderPhrases()) mixed in at several weights:
 * - in-domain: requests the responder handles, synthesised here with flite
 *   and espeak-ng voices (IN_DOMAIN; several are NOT word for word in the
 *   bias phrases: "what's", "could you", "how is the weather");
 * - fixtures the responder handles (weather, jokes, thanks… of test/fixtures/speech);
 * - fixtures it does not (book a table, play some music…): free speech the
 *   bias must not wreck.
 * Each clean and with white noise at 20 dB SNR. --corpus keeps the
 * synthesised set between runs (it is regenerated when missing).
 *
 * Needs espeak-ng, sox and the built helper.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusWordErrorRate } from '../../audio/wer.ts';
import { responderPhrases } from '../rules/vocabulary.ts';
import { buildBiasArpa } from './biasLanguageModel.ts';
import { type Channel, throughChannel } from './measurementChannels.ts';
import { PocketsphinxRecognizer } from './PocketsphinxRecognizer.ts';
import { loadFixtureSet, type SpokenUtterance } from './spokenFixtures.ts';

/** name, voice (espeak-ng, or flite:NAME), words per minute, pitch, text. */
const IN_DOMAIN: ReadonlyArray<readonly [string, string, number, number, string]> = [
  ['w-newyork-awb', 'flite:awb', 0, 0, 'could you tell me the weather in new york'],
  ['w-tokyo-kal', 'flite:kal16', 0, 0, 'what is the weather in tokyo'],
  ['w-paris-slt', 'flite:slt', 0, 0, "what's the weather like in paris"],
  ['w-berlin-rms', 'flite:rms', 0, 0, 'how is the weather in berlin today'],
  ['w-chicago-es', 'en-us+klatt2', 175, 45, "what's the weather in chicago"],
  ['w-madrid-esf', 'en-us+f2', 165, 40, 'tell me the weather in madrid'],
  ['w-sydney-es', 'en-us', 165, 50, 'what is the weather like in sydney'],
  ['w-boston-esm', 'en-us+m3', 160, 50, 'weather in boston'],
  ['t-london-kal', 'flite:kal16', 0, 0, 'what time is it in london'],
  ['t-tokyo-slt', 'flite:slt', 0, 0, 'what time is it in tokyo'],
  ['t-seattle-es', 'en-us+klatt2', 170, 45, "what's the time in seattle"],
  ['t-rome-esf', 'en-us+f5', 160, 50, 'what time is it in rome'],
  ['j-awb', 'flite:awb', 0, 0, 'tell me a joke'],
  ['j-es', 'en-us+f2', 170, 40, 'do you know any good jokes'],
  ['j-kal', 'flite:kal16', 0, 0, 'make me laugh'],
  ['g-slt', 'flite:slt', 0, 0, 'good morning'],
  ['g-es', 'en-us+klatt2', 170, 45, 'hello there'],
  ['i-rms', 'flite:rms', 0, 0, 'what is your name'],
  ['i-es', 'en-us+m3', 165, 50, 'who are you'],
  ['th-kal', 'flite:kal16', 0, 0, 'thanks a lot'],
  ['b-es', 'en-us+f5', 165, 50, 'goodbye see you later'],
  ['s-awb', 'flite:awb', 0, 0, 'stop talking'],
  ['w-vienna-awb', 'flite:awb', 0, 0, "what's the weather in vienna"],
  ['w-denver-es', 'en-us+f2', 170, 40, 'how is it in denver'],
];

/** Fixtures of test/fixtures/speech whose request the rule-based responder handles. */
const RESPONDER_FIXTURES = new Set([
  'weather-tokyo.wav',
  'weather-london.wav',
  'weather-london-noisy.wav',
  'joke-rms.wav',
  'tell-me-a-joke.wav',
  'joke-noisy.wav',
  'stop.wav',
  'stop-noisy.wav',
  'what-time.wav',
  'thank-you.wav',
  'how-are-you.wav',
  'yes-please.wav',
]);

const SYNTHESIZE = fileURLToPath(
  new URL('../../../test/fixtures/synthesize-utterance.sh', import.meta.url),
);

function synthesizeInDomain(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const transcripts: Record<string, string> = {};
  for (const [name, voice, wpm, pitch, text] of IN_DOMAIN) {
    const file = `${name}.wav`;
    transcripts[file] = text;
    if (!existsSync(join(dir, file)))
      execFileSync('bash', [
        SYNTHESIZE,
        voice,
        String(wpm),
        String(pitch),
        '0',
        text,
        join(dir, file),
      ]);
  }
  writeFileSync(join(dir, 'transcripts.json'), JSON.stringify(transcripts, null, 1));
}

const CHUNK = 320;

async function coldWer(
  recognizer: PocketsphinxRecognizer,
  utterances: readonly SpokenUtterance[],
  hypotheses?: string[],
): Promise<number> {
  const start = await recognizer.getCmn();
  const pairs = [];
  for (const { reference, samples } of utterances) {
    recognizer.setCmn(start);
    recognizer.beginUtterance();
    for (let i = 0; i < samples.length; i += CHUNK)
      recognizer.write(samples.subarray(i, i + CHUNK));
    const { text } = await recognizer.endUtterance();
    hypotheses?.push(`${reference} -> ${text}`);
    pairs.push({ reference, hypothesis: text });
  }
  recognizer.setCmn(start);
  return corpusWordErrorRate(pairs);
}

export const BIAS_WEIGHTS: readonly number[] = [0, 0.3, 0.5, 0.7, 0.9];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const corpusArg = process.argv.indexOf('--corpus');
  const corpusDir =
    corpusArg > 0 ? process.argv[corpusArg + 1] : mkdtempSync(join(tmpdir(), 'parley-bias-'));
  synthesizeInDomain(corpusDir);
  const fixtures = loadFixtureSet();
  const sets: Record<string, SpokenUtterance[]> = {
    'in-domain (synth)': loadFixtureSet(corpusDir),
    'fixtures, responder': fixtures.filter((f) => RESPONDER_FIXTURES.has(f.file)),
    'fixtures, other': fixtures.filter((f) => !RESPONDER_FIXTURES.has(f.file)),
  };
  const arpa = buildBiasArpa(responderPhrases());
  const recognizer = new PocketsphinxRecognizer({ partialIntervalMs: 0 });
  await recognizer.start();
  const verbose = process.argv.includes('--verbose');
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);
  console.log(
    `bias LM: ${responderPhrases().length} phrases, ${Buffer.byteLength(arpa)} bytes of ARPA`,
  );
  console.log(
    `${'weight'.padEnd(8)}${'set'.padEnd(22)}${'clean'.padStart(8)}${'noise20'.padStart(8)}`,
  );
  try {
    const weightsArg = process.argv.indexOf('--weights');
    const weights =
      weightsArg > 0 ? process.argv[weightsArg + 1].split(',').map(Number) : BIAS_WEIGHTS;
    for (const weight of weights) {
      const report = await recognizer.setBias(weight > 0 ? { arpa, weight } : undefined);
      if (report.oov.length > 0) console.log(`  not in the dictionary: ${report.oov.join(' ')}`);
      for (const [name, set] of Object.entries(sets)) {
        const figures: string[] = [];
        for (const channel of ['clean', 'noise20'] as Channel[]) {
          const hypotheses: string[] = [];
          const heard = set.map((u) => ({ ...u, samples: throughChannel(u.samples, channel) }));
          figures.push(pct(await coldWer(recognizer, heard, hypotheses)));
          if (verbose) for (const h of hypotheses) console.log(`    ${channel} ${h}`);
        }
        console.log(`${String(weight).padEnd(8)}${name.padEnd(22)}${figures.join(' ')}`);
      }
    }
  } finally {
    await recognizer.close();
  }
}
