import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioCache } from '../../bench/suites/offline/audioCache.ts';
import { conditionById } from '../../bench/suites/offline/conditions.ts';
import { EvalAudio } from '../../bench/suites/offline/evalAudio.ts';
import { corpusItems } from '../../bench/suites/offline/evalItems.ts';
import { chainToGraph, frontEndChain } from '../../bench/suites/offline/frontEnd.ts';
import { judge } from '../../bench/suites/offline/judge.ts';
import { runUtterance } from '../../bench/suites/offline/runUtterance.ts';
import { headlineFigures, tabulate } from '../../bench/suites/offline/summarise.ts';
import { closeVoices } from '../../bench/suites/offline/voices.ts';
import { understand } from '../../engine/providers/rules/understand.ts';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'parley-eval-test-'));

afterAll(async () => {
  await closeVoices();
  await closeSharedServices();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the eval runner, end to end', () => {
  it('speaks corpus utterances, runs them through the default front end and scores them', async () => {
    const items = corpusItems();
    // Flite voices (tuning-00 slt, tuning-02 awb): the ones pocketsphinx hears best.
    const picked = [items[0], items[2]];
    expect(picked.map((i) => i.voice.engine)).toEqual(['flite', 'flite']);
    const audio = new EvalAudio(new AudioCache(cacheDir), items);
    const graph = chainToGraph(frontEndChain(), 'eval test');
    const outcomes = [];
    for (const item of picked) {
      const samples = await audio.mic(item, conditionById('clean'));
      // Cached: the second read is the same audio.
      expect(await audio.mic(item, conditionById('clean'))).toEqual(samples);
      const heard = await runUtterance(graph, samples);
      expect(heard.errors).toEqual([]);
      expect(heard.transcript.split(' ').length).toBeGreaterThanOrEqual(2);
      outcomes.push({
        variant: 'default',
        itemId: item.id,
        split: item.split,
        condition: 'clean',
        group: 'clean',
        intent: item.intent,
        reference: item.text,
        transcript: heard.transcript,
        verdict: judge(item, heard.transcript, understand),
        errors: heard.errors,
      });
    }
    const figures = headlineFigures(tabulate(outcomes), 'default');
    expect(Object.keys(figures).sort()).toEqual([
      'clarifyRateClean',
      'intentAccuracyClean',
      'werClean',
    ]);
    expect(figures.werClean).toBeLessThan(1);
  }, 60_000);
});
