import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpusWordErrorRate } from '../../../engine/audio/wer.ts';
import { ForkingLauncher } from '../../../engine/providers/pocketsphinx/ForkingLauncher.ts';
import {
  encodeHelperCommand,
  encodeHelperCommandWithId,
  encodeSetBias,
} from '../../../engine/providers/pocketsphinx/PocketsphinxProtocol.ts';
import {
  DEFAULT_HELPER_PATH,
  PocketsphinxRecognizer,
} from '../../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import {
  loadFixtureSet,
  type SpokenUtterance,
} from '../../../engine/providers/pocketsphinx/spokenFixtures.ts';
import { languageModelBias } from '../../../engine/providers/pocketsphinx/vocabularyBias.ts';
import { pcmChunks } from '../../fixtures/speech/speechFixtures.ts';
import { buildNativeHelper } from '../../helpers/buildNativeHelper.ts';

const IN_DOMAIN_DIR = fileURLToPath(new URL('./fixtures', import.meta.url));
/** Requests the rule-based responder has no intent for: free speech the bias must leave alone. */
const OUT_OF_DOMAIN = new Set([
  'set-timer.wav',
  'play-music.wav',
  'call-mother.wav',
  'kitchen-lights.wav',
  'book-table.wav',
]);
/** Decoding a dozen utterances several times on a machine that may be shared. */
const SLOW_MS = 180_000;

const bias = languageModelBias({ phrases: 'responder', weight: 0.5 });

let launcher: ForkingLauncher | undefined;
const open: PocketsphinxRecognizer[] = [];
async function started(options: ConstructorParameters<typeof PocketsphinxRecognizer>[0] = {}) {
  const recognizer = new PocketsphinxRecognizer({ partialIntervalMs: 0, ...options });
  open.push(recognizer);
  await recognizer.start();
  return recognizer;
}

/** Every utterance as a first turn: the same start-up CMN state before each. */
async function coldHypotheses(
  recognizer: PocketsphinxRecognizer,
  utterances: readonly SpokenUtterance[],
): Promise<Array<{ reference: string; hypothesis: string }>> {
  const start = await recognizer.getCmn();
  const pairs = [];
  for (const { reference, samples } of utterances) {
    recognizer.setCmn(start);
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(samples)) recognizer.write(chunk);
    pairs.push({ reference, hypothesis: (await recognizer.endUtterance()).text });
  }
  recognizer.setCmn(start);
  return pairs;
}

beforeAll(() => {
  buildNativeHelper();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((recognizer) => recognizer.close()));
  await launcher?.close();
  launcher = undefined;
});

describe('vocabulary biasing', () => {
  it(
    "hears the agent's requests it mishears without the bias, and free speech about as well",
    async () => {
      const recognizer = await started();
      const inDomain = loadFixtureSet(IN_DOMAIN_DIR);
      const outOfDomain = loadFixtureSet().filter((f) => OUT_OF_DOMAIN.has(f.file));

      const plainIn = await coldHypotheses(recognizer, inDomain);
      const plainOut = await coldHypotheses(recognizer, outOfDomain);
      // The general model alone mishears each ("… like you see the", "what type is a girl who", "the morning").
      for (const { reference, hypothesis } of plainIn) expect(hypothesis).not.toBe(reference);

      const report = await recognizer.setBias(bias);
      expect(report.oov).toEqual([]);
      const biasedIn = await coldHypotheses(recognizer, inDomain);
      const biasedOut = await coldHypotheses(recognizer, outOfDomain);
      for (const { reference, hypothesis } of biasedIn) expect(hypothesis).toBe(reference);
      expect(corpusWordErrorRate(biasedOut)).toBeLessThanOrEqual(
        corpusWordErrorRate(plainOut) + 0.1,
      );

      // And back to the general model alone: the same hypotheses as before.
      await recognizer.setBias(undefined);
      expect(await coldHypotheses(recognizer, inDomain)).toEqual(plainIn);
    },
    SLOW_MS,
  );

  it(
    'biases a decoder forked from the zygote, which loaded only the general model',
    async () => {
      launcher = new ForkingLauncher();
      const recognizer = await started({ launcher });
      const [sydney] = loadFixtureSet(IN_DOMAIN_DIR).filter((f) => f.file === 'w-sydney-es.wav');
      await recognizer.setBias(bias);
      expect(await coldHypotheses(recognizer, [sydney])).toEqual([
        { reference: sydney.reference, hypothesis: sydney.reference },
      ]);
    },
    SLOW_MS,
  );

  it(
    'builds a bias once in the zygote: later forks switch to it and hear the same, earlier ones build their own',
    async () => {
      launcher = new ForkingLauncher();
      const before = await started({ launcher });
      const prepared = await before.prepareLauncher(bias);
      expect(prepared).toMatchObject({ cached: false, oov: [] });
      expect((await before.prepareLauncher(bias))?.cached, 'asked again: already built').toBe(true);
      const after = await started({ launcher });

      const own = await before.setBias(bias);
      const switched = await after.setBias(bias);
      expect(own.cached, 'forked before the zygote had it').toBe(false);
      expect(switched.cached, 'forked after').toBe(true);
      expect(switched.words).toBe(own.words);
      // Another weight is another model: built by the decoder itself.
      expect((await after.setBias({ ...bias, weight: 0.3 })).cached).toBe(false);
      expect((await after.setBias(bias)).cached, 'and back, without a rebuild').toBe(true);

      const utterances = loadFixtureSet(IN_DOMAIN_DIR).slice(0, 4);
      expect(await coldHypotheses(after, utterances)).toEqual(
        await coldHypotheses(before, utterances),
      );
      // Back to the general model and to the cached one again.
      expect((await after.setBias(undefined)).words).toBe(0);
      expect((await after.setBias(bias)).cached).toBe(true);
    },
    SLOW_MS,
  );

  it(
    'costs nothing to set again the bias already in force',
    async () => {
      const recognizer = await started();
      const first = await recognizer.setBias(bias);
      expect(await recognizer.setBias({ ...bias })).toBe(first);
      expect(await recognizer.setBias({ ...bias, weight: 0.3 })).not.toBe(first);
    },
    SLOW_MS,
  );

  it(
    'refuses a malformed or oversized model with a clear error, and keeps decoding',
    async () => {
      const recognizer = await started();
      const pid = recognizer.pid;
      // A header promising more unigrams than follow crashes sphinxbase's reader outright.
      const lying = '\\data\\\nngram 1=3\n\n\\1-grams:\n-1\thello\n\\end\\\n';
      await expect(recognizer.setBias({ arpa: lying, weight: 0.5 })).rejects.toThrow(
        /bias: not a valid ARPA language model/,
      );
      await expect(recognizer.setBias({ arpa: 'not arpa at all', weight: 0.5 })).rejects.toThrow(
        /bias: not a valid ARPA language model/,
      );
      await expect(
        recognizer.setBias({ arpa: 'x'.repeat(300 * 1024), weight: 0.5 }),
      ).rejects.toThrow(/setBias\(\) language model of 307200 bytes, at most 262144 are allowed/);
      await expect(recognizer.setBias({ ...bias, weight: 1 })).rejects.toThrow(
        /weight must be between 0 and 1, got 1/,
      );
      expect(recognizer.pid).toBe(pid);
      const [stop] = loadFixtureSet().filter((f) => f.file === 'stop.wav');
      expect(await coldHypotheses(recognizer, [stop])).toEqual([
        { reference: 'stop', hypothesis: 'stop' },
      ]);
      // A refused bias is not in force, so asking again really asks.
      await expect(recognizer.setBias({ arpa: lying, weight: 0.5 })).rejects.toThrow(/not a valid/);
    },
    SLOW_MS,
  );

  it('answers an oversized or misplaced bias command with an error naming it, and carries on', async () => {
    // Straight to the helper, past the recognizer's own checks.
    const helper = spawn(DEFAULT_HELPER_PATH, ['-partial_ms', '0'], { stdio: 'pipe' });
    const lines = createInterface({ input: helper.stdout });
    const replies: string[] = [];
    const synced = new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        replies.push(line);
        if (line.includes('"sync"')) resolve();
      }),
    );
    helper.stdin.write(encodeSetBias(1, 0.5, 'x'.repeat(300 * 1024)));
    helper.stdin.write(encodeHelperCommandWithId('begin', 9));
    helper.stdin.write(encodeSetBias(2, 0.5, '\\data\\\n'));
    helper.stdin.write(encodeHelperCommand('cancel'));
    helper.stdin.write(encodeHelperCommandWithId('sync', 3));
    await synced;
    helper.stdin.end();
    expect(replies.slice(1).map((line) => JSON.parse(line))).toEqual([
      { type: 'error', seq: 1, message: 'bias: ARPA text larger than 256 KiB' },
      { type: 'error', seq: 2, message: 'bias set inside an utterance' },
      { type: 'sync', seq: 3 },
    ]);
  });

  it('encodes the weight and text where the helper reads them', () => {
    const frame = encodeSetBias(7, 0.25, 'ab');
    expect(frame.toString('latin1', 0, 1)).toBe('L');
    expect(frame.readUInt32LE(1)).toBe(10);
    expect(frame.readUInt32LE(5)).toBe(7);
    expect(frame.readFloatLE(9)).toBe(0.25);
    expect(frame.toString('utf8', 13)).toBe('ab');
  });
});
