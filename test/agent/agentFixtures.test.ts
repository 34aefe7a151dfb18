import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readWav } from '../../engine/audio/wav.ts';
import { PocketsphinxRecognizer } from '../../engine/services/pocketsphinx/PocketsphinxRecognizer.ts';
import { AGENT_UTTERANCES } from '../fixtures/agent/makeAgentFixtures.ts';
import { pcmChunks } from '../fixtures/speech/speechFixtures.ts';

/**
 * The whole-agent tests rely on these utterances being heard exactly by a
 * fresh decoder — the first turn of a session. This pins that down (and the
 * decoder's cold start: its CMN prior) so an agent test failing means the agent.
 */
describe('agent test utterances', () => {
  const recognizer = new PocketsphinxRecognizer({ mode: 'fast' });
  beforeAll(() => recognizer.start());
  afterAll(() => recognizer.close());

  it.each(Object.entries(AGENT_UTTERANCES))('%s is decoded exactly on a cold decoder', async (file, { text }) => {
    const initial = await recognizer.getCmn();
    const { samples } = readWav(readFileSync(`test/fixtures/agent/${file}`));
    recognizer.beginUtterance();
    for (const chunk of pcmChunks(samples)) recognizer.write(chunk);
    const { text: heard } = await recognizer.endUtterance();
    recognizer.setCmn(initial);
    expect(heard).toBe(text.toLowerCase());
  });
});
