import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxStt } from '../../../engine/providers/pocketsphinx/PocketsphinxStt.ts';
import { RecognizerPool } from '../../../engine/providers/pocketsphinx/RecognizerPool.ts';
import { loadFixtureSet } from '../../../engine/providers/pocketsphinx/spokenFixtures.ts';
import { languageModelBias } from '../../../engine/providers/pocketsphinx/vocabularyBias.ts';
import { ProcessorHarness } from '../../../engine/testing/ProcessorHarness.ts';
import { pcmChunks } from '../../fixtures/speech/speechFixtures.ts';
import { buildNativeHelper } from '../../helpers/buildNativeHelper.ts';

const IN_DOMAIN_DIR = fileURLToPath(new URL('./fixtures', import.meta.url));
const SLOW_MS = 120_000;

let pool: RecognizerPool | undefined;

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** One turn through the node, as the VAD would frame it; returns the final transcript. */
async function hearTurn(stt: PocketsphinxStt, samples: Int16Array): Promise<string> {
  const harness = new ProcessorHarness(stt);
  await harness.start();
  // Speaking frames jump the queue: let the decoder be acquired first, as a session's would be.
  await harness.idle();
  await harness.send(harness.frame('user.speaking.started', {}));
  await harness.idle();
  for (const chunk of pcmChunks(samples))
    await harness.send(harness.frame('audio.in', { audio: chunk, sampleRate: 16_000 }));
  await harness.send(harness.frame('user.speaking.stopped', {}));
  // The final comes from the decoder process, outside the processor's queue: wait for its latency metric.
  while (harness.downstream('metrics').length === 0) await new Promise((r) => setTimeout(r, 20));
  await harness.send(harness.frame('end', {}));
  const finals = harness.downstream('transcript.final');
  return finals.map((frame) => (frame.type === 'transcript.final' ? frame.text : '')).join(' ');
}

describe('stt.pocketsphinx with a bias', () => {
  it(
    "hears the responder's request that the same pooled decoder mishears without it",
    async () => {
      pool = new RecognizerPool({ warm: 0, maxIdle: 1, max: 2 });
      const [sydney] = loadFixtureSet(IN_DOMAIN_DIR).filter((f) => f.file === 'w-sydney-es.wav');
      const bias = languageModelBias({ phrases: 'responder', weight: 0.5 });

      const biased = await hearTurn(new PocketsphinxStt('stt', { pool, bias }), sydney.samples);
      expect(biased).toBe(sydney.reference);
      // The decoder goes back to the pool and to a graph without a bias: the general model again.
      const plain = await hearTurn(new PocketsphinxStt('stt', { pool }), sydney.samples);
      expect(plain).not.toBe(sydney.reference);
      expect(pool.stats.idle).toBe(1);
    },
    SLOW_MS,
  );
});
