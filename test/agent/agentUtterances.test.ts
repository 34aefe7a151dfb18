import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxRecognizer } from '../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { AGENT_UTTERANCES } from './agentUtterances.ts';

/**
 * The whole-agent tests rely on these utterances being heard exactly by a
 * fresh decoder (the first turn of a session). This pins that down, and with
 * it the decoder's cold start (its CMN prior), so when an agent test fails it
 * is the agent.
 */
describe('agent test utterances', () => {
  const recognizer = new PocketsphinxRecognizer({ mode: 'fast' });
  beforeAll(() => recognizer.start());
  afterAll(() => recognizer.close());

  it.each(AGENT_UTTERANCES)('%s is decoded exactly on a cold decoder', async (file) => {
    const initial = await recognizer.getCmn();
    const { samples, reference } = loadSpeechFixture(file);
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(samples)) recognizer.write(chunk);
    const { text } = await recognizer.endUtterance();
    recognizer.setCmn(initial);
    expect(text).toBe(reference.toLowerCase());
  });
});
