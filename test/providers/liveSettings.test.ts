/**
 * A live settings update is parsed by the processor's own settings schema:
 * an unknown key or a bad value is refused as a whole with an error frame
 * naming the node and the key, and the settings in use stay as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { OpenAITts, type OpenAITtsSettings } from '../../engine/providers/openai/OpenAITts.ts';
import { DEFAULT_INTENTS } from '../../engine/providers/rules/defaultIntents.ts';
import { RulesLlm } from '../../engine/providers/rules/RulesLlm.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeOpenAI } from '../fakes/FakeOpenAI.ts';
import { drain, TEST_KEY, textOf } from './providerTestKit.ts';

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f) => (f.type === 'error' ? f.message : ''));
const IDENTITY_REST = 'a rule-based voice assistant running entirely on this machine.';
const lastRequest = (fake: FakeOpenAI) => fake.requestsTo('/v1/audio/speech').at(-1)?.json;

describe('OpenAITts live settings', () => {
  let fake: FakeOpenAI;
  afterEach(async () => fake?.stop());

  async function setUp() {
    fake = new FakeOpenAI({ apiKey: TEST_KEY, speech: [] });
    const baseUrl = await fake.start();
    const settings: OpenAITtsSettings = {
      model: 'gpt-4o-mini-tts',
      voice: 'coral',
      instructions: '',
      speed: 1,
      maxRetries: 0,
      retryDelayMs: 100,
      maxRetryDelayMs: 1000,
      firstByteTimeoutMs: 3000,
    };
    const h = new ProcessorHarness(new OpenAITts('tts', settings, { apiKey: TEST_KEY, baseUrl }));
    await h.start();
    const say = async (text: string) => {
      await h.send(h.frame('tts.text', { text }));
      await drain(h);
    };
    return { h, say };
  }

  it('refuses an out-of-range value, naming the key; the old settings keep working', async () => {
    const { h, say } = await setUp();
    h.processor.updateSettings({ speed: 9 });
    await say('Still normal.');
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'tts': 'speed' is invalid/),
    ]);
    expect(lastRequest(fake)).toMatchObject({ speed: 1, voice: 'coral' });
    expect(h.downstream('audio.out').length).toBeGreaterThan(0);
  });

  it('refuses an update with an unknown key whole: its valid keys are not applied', async () => {
    const { h, say } = await setUp();
    h.processor.updateSettings({ voice: 'ash', loudness: 11 });
    await say('Same voice.');
    expect(errors(h)).toEqual([expect.stringMatching(/'loudness' is not one of its settings/)]);
    expect(lastRequest(fake)).toMatchObject({ voice: 'coral' });
  });

  it('applies a good update to the next sentence', async () => {
    const { h, say } = await setUp();
    h.processor.updateSettings({ voice: 'ash', speed: 1.5 });
    await say('New voice.');
    expect(errors(h)).toEqual([]);
    expect(lastRequest(fake)).toMatchObject({ voice: 'ash', speed: 1.5 });
  });
});

describe('RulesLlm live settings', () => {
  async function setUp() {
    const conversation = new ConversationContext();
    const llm = new RulesLlm('llm', conversation, {
      persona: 'Parley',
      systemPrompt: '',
      intents: DEFAULT_INTENTS,
      fallback: 'No match.',
      fallbackReply: 'Oops.',
      maxToolSteps: 3,
    });
    const h = new ProcessorHarness(llm);
    await h.start();
    const ask = async (words: string): Promise<string> => {
      const before = h.downstream().length;
      conversation.add({ role: 'user', content: words });
      await h.send(h.frame('llm.context', { messages: [...conversation.messages] }));
      await h.idle();
      return textOf(h.downstream().slice(before) as Frame[]).trim();
    };
    return { h, ask };
  }

  it('refuses a bad value, an unknown key and a pattern RE2 cannot run, naming each', async () => {
    const { h, ask } = await setUp();
    h.processor.updateSettings({ persona: '' });
    h.processor.updateSettings({ temperature: 0.2 });
    const lookahead = { name: 'evil', patterns: ['(?=a)a'], reply: 'Matched.' };
    h.processor.updateSettings({ intents: [lookahead] });
    expect(await ask('who are you')).toBe(`I am Parley, ${IDENTITY_REST}`);
    const refused = (detail: string) =>
      expect.stringMatching(new RegExp(`^settings update for node 'llm': ${detail}`));
    expect(errors(h)).toEqual([
      refused("'persona' is invalid"),
      refused("'temperature' is not one of its settings"),
      refused("'intents' is invalid"),
    ]);
  });

  it('applies a good update to the next turn', async () => {
    const { h, ask } = await setUp();
    h.processor.updateSettings({ persona: 'Ada', fallback: 'Pardon?' });
    expect(await ask('who are you')).toBe(`I am Ada, ${IDENTITY_REST}`);
    expect(await ask('sing a song of the sea')).toBe('Pardon?');
    expect(errors(h)).toEqual([]);
  });
});
