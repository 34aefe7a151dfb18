import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxRecognizer } from '../../engine/providers/pocketsphinx/PocketsphinxRecognizer.ts';
import { understand } from '../../engine/providers/rules/understand.ts';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { AGENT_UTTERANCES, UNDERSTOOD_UTTERANCES } from './agentUtterances.ts';

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

  async function hear(file: string): Promise<{ text: string; reference: string }> {
    const initial = await recognizer.getCmn();
    const { samples, reference } = loadSpeechFixture(file);
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(samples)) recognizer.write(chunk);
    const { text } = await recognizer.endUtterance();
    recognizer.setCmn(initial);
    return { text, reference };
  }

  it.each(AGENT_UTTERANCES)('%s is decoded exactly on a cold decoder', async (file) => {
    const { text, reference } = await hear(file);
    expect(text).toBe(reference.toLowerCase());
  });

  it.each(Object.entries(UNDERSTOOD_UTTERANCES))(
    '%s, as heard, is understood as %s',
    async (file, expected) => {
      const { text } = await hear(file);
      const heard = understand(text);
      const summary = `${heard.intent}${heard.place ? `:${heard.place}` : ''}${heard.clarify ? '?' : ''}`;
      expect(summary, `heard "${text}"`).toBe(expected);
    },
  );
});
