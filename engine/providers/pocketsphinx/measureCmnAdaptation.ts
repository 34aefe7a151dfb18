/**
 * What speaker-adaptive CMN buys: `npx tsx engine/providers/pocketsphinx/measureCmnAdaptation.ts`.
 *
 * The spoken test set (test/fixtures/speech) goes through each channel of
 * measurementChannels.ts, and is decoded under each CMN variant:
 * - cold: every utterance is the first turn of a session (the CMN state reset
 *   to the start-up prior before it), the case the prior alone decides;
 * - session: the set in order on one decoder, as one caller's turns, the
 *   mean carried from turn to turn; `later` is the WER of turns 4 onwards,
 *   once the mean has had time to move.
 * Utterances are streamed in 20 ms chunks, as a live session sends them, so
 * in-utterance re-estimation happens at the same points it would live.
 *
 * Needs sox and the built helper.
 */
import { fileURLToPath } from 'node:url';
import { corpusWordErrorRate } from '../../audio/wer.ts';
import { CHANNELS, type Channel, throughChannel } from './measurementChannels.ts';
import { CMN_PRIOR_FRAMES } from './PocketsphinxProtocol.ts';
import { PocketsphinxRecognizer } from './PocketsphinxRecognizer.ts';
import { loadFixtureSet, type SpokenUtterance } from './spokenFixtures.ts';

export interface CmnVariant {
  name: string;
  /** In-utterance re-estimation interval in frames (0: off). */
  adaptFrames: number;
  /** Weight of the prior at session start, in frames. */
  priorFrames: number;
}

export const CMN_VARIANTS: readonly CmnVariant[] = [
  { name: 'prior 500, end-of-utterance only (before)', adaptFrames: 0, priorFrames: 500 },
  { name: 'prior 500, re-estimate every 20 frames', adaptFrames: 20, priorFrames: 500 },
  { name: 'prior 100, end-of-utterance only', adaptFrames: 0, priorFrames: 100 },
  { name: 'prior 100, re-estimate every 20 frames', adaptFrames: 20, priorFrames: 100 },
];

const CHUNK = 320;
const LATER_FROM_TURN = 4;

async function decode(recognizer: PocketsphinxRecognizer, samples: Int16Array): Promise<string> {
  recognizer.beginUtterance();
  for (let start = 0; start < samples.length; start += CHUNK)
    recognizer.write(samples.subarray(start, start + CHUNK));
  return (await recognizer.endUtterance()).text;
}

export interface CmnFigures {
  coldWer: number;
  sessionWer: number;
  laterWer: number;
}

export async function measureCmnVariant(
  variant: CmnVariant,
  utterances: readonly SpokenUtterance[],
): Promise<CmnFigures> {
  const recognizer = new PocketsphinxRecognizer({
    partialIntervalMs: 0,
    cmnAdaptFrames: variant.adaptFrames,
  });
  await recognizer.start();
  try {
    const prior = await recognizer.getCmn();
    const start = { mean: prior.mean, frames: variant.priorFrames };
    const cold = [];
    for (const utterance of utterances) {
      recognizer.setCmn(start);
      cold.push({
        reference: utterance.reference,
        hypothesis: await decode(recognizer, utterance.samples),
      });
    }
    recognizer.setCmn(start);
    const session = [];
    for (const utterance of utterances)
      session.push({
        reference: utterance.reference,
        hypothesis: await decode(recognizer, utterance.samples),
      });
    return {
      coldWer: corpusWordErrorRate(cold),
      sessionWer: corpusWordErrorRate(session),
      laterWer: corpusWordErrorRate(session.slice(LATER_FROM_TURN - 1)),
    };
  } finally {
    await recognizer.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fixtures = loadFixtureSet();
  const channels = (process.argv[2]?.split(',') as Channel[] | undefined) ?? CHANNELS;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);
  console.log(`${'channel'.padEnd(10)} ${'variant'.padEnd(44)}    cold session  turn4+`);
  for (const channel of channels) {
    const heard = fixtures.map((f) => ({ ...f, samples: throughChannel(f.samples, channel) }));
    for (const variant of CMN_VARIANTS) {
      const { coldWer, sessionWer, laterWer } = await measureCmnVariant(variant, heard);
      console.log(
        `${channel.padEnd(10)} ${variant.name.padEnd(44)} ${pct(coldWer)} ${pct(sessionWer)} ${pct(laterWer)}`,
      );
    }
  }
  console.log(`(prior weight ${CMN_PRIOR_FRAMES} frames is today's default)`);
}
