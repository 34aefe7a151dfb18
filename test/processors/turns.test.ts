import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import { AssistantTurnAggregator } from '../../engine/processors/context/AssistantTurnAggregator.ts';
import {
  UserTurnAggregator,
  type UserTurnSettings,
} from '../../engine/processors/context/UserTurnAggregator.ts';
import { PacedAudioOutput } from '../../engine/processors/transport/PacedAudioOutput.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const defaults: Partial<UserTurnSettings> = {
  interruption: 'immediate',
  minDurationMs: 300,
  minWords: 2,
  finalTimeoutMs: 1000,
};

async function userTurns(settings: Partial<UserTurnSettings> = {}) {
  const conversation = new ConversationContext();
  const h = new ProcessorHarness(
    new UserTurnAggregator('user', conversation, { ...defaults, ...settings }),
  );
  await h.start();
  const botSpeaking = () => h.send(h.frame('bot.speaking.started', {}), 'upstream');
  return { h, conversation, botSpeaking };
}

describe('UserTurnAggregator', () => {
  it('turns speech and its final transcript into a user message and an LLM request', async () => {
    const { h, conversation } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.final', { text: 'what is the weather' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    expect(conversation.messages).toEqual([{ role: 'user', content: 'what is the weather' }]);
    expect(h.downstream('llm.context')).toHaveLength(1);
  });

  it('waits for a final transcript that arrives after the end of speech, within the timeout', async () => {
    const { h, conversation } = await userTurns({ finalTimeoutMs: 500 });
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.advance(20);
    await h.send(h.frame('transcript.final', { text: 'late words' }));
    expect(conversation.messages).toEqual([{ role: 'user', content: 'late words' }]);
  });

  describe('a final transcript that arrives after finalTimeoutMs (late STT)', () => {
    it('is answered at once when nothing happened since the turn ended, not attached to the next turn', async () => {
      const { h, conversation } = await userTurns({ finalTimeoutMs: 500 });
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('user.speaking.stopped', {}));
      await h.advance(500); // the wait for the final ends: nothing to answer yet
      expect(h.downstream('llm.context')).toHaveLength(0);
      await h.advance(200);
      await h.send(h.frame('transcript.final', { text: 'what is the weather' }));
      expect(conversation.messages).toEqual([{ role: 'user', content: 'what is the weather' }]);
      expect(h.downstream('llm.context')).toHaveLength(1);

      // The next turn is its own turn, with only its own words.
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('transcript.final', { text: 'thank you' }));
      await h.send(h.frame('user.speaking.stopped', {}));
      expect(conversation.messages).toEqual([
        { role: 'user', content: 'what is the weather' },
        { role: 'user', content: 'thank you' },
      ]);
    });

    it('joins the turn being spoken when the user has started again (a final carries no utterance id)', async () => {
      const { h, conversation } = await userTurns({ finalTimeoutMs: 500 });
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('user.speaking.stopped', {}));
      await h.advance(600);
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('transcript.final', { text: 'stale words' }));
      await h.send(h.frame('transcript.final', { text: 'fresh words' }));
      await h.send(h.frame('user.speaking.stopped', {}));
      // Words that arrive while the user speaks belong to the turn being spoken: none is lost, none answered twice.
      expect(conversation.messages).toEqual([{ role: 'user', content: 'stale words fresh words' }]);
      await h.advance(2000);
      expect(h.downstream('llm.context')).toHaveLength(1);
    });

    it('is dropped when the bot has started speaking since (a reply to something else)', async () => {
      const { h, conversation, botSpeaking } = await userTurns({ finalTimeoutMs: 500 });
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('user.speaking.stopped', {}));
      await h.advance(600);
      await botSpeaking();
      await h.send(h.frame('transcript.final', { text: 'late words' }));
      expect(conversation.messages).toEqual([]);
      await h.send(h.frame('bot.speaking.stopped', {}), 'upstream');
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('transcript.final', { text: 'next question' }));
      await h.send(h.frame('user.speaking.stopped', {}));
      expect(conversation.messages).toEqual([{ role: 'user', content: 'next question' }]);
    });

    it('is dropped after speech that never qualified as a barge-in (a cough over the bot)', async () => {
      const { h, conversation, botSpeaking } = await userTurns({
        interruption: 'minDuration',
        minDurationMs: 300,
      });
      await botSpeaking();
      await h.send(h.frame('user.speaking.started', {}));
      await h.advance(100);
      await h.send(h.frame('user.speaking.stopped', {}));
      await h.advance(50);
      await h.send(h.frame('transcript.final', { text: 'uh' }));
      await h.send(h.frame('bot.speaking.stopped', {}), 'upstream');
      await h.send(h.frame('user.speaking.started', {}));
      await h.send(h.frame('transcript.final', { text: 'tell me a joke' }));
      await h.send(h.frame('user.speaking.stopped', {}));
      expect(conversation.messages).toEqual([{ role: 'user', content: 'tell me a joke' }]);
      expect(h.downstream('interrupt')).toHaveLength(1); // only the real turn's
    });
  });

  it('immediate: interrupts a speaking bot as soon as the user starts', async () => {
    const { h, botSpeaking } = await userTurns();
    await botSpeaking();
    await h.send(h.frame('user.speaking.started', {}));
    expect(h.downstreamTypes()).toEqual(['interrupt', 'user.speaking.started']);
  });

  it('minDuration: a cough shorter than the minimum does not stop the bot, and its words are dropped', async () => {
    const { h, conversation, botSpeaking } = await userTurns({
      interruption: 'minDuration',
      minDurationMs: 300,
    });
    await botSpeaking();
    await h.send(h.frame('user.speaking.started', {}));
    await h.advance(150);
    await h.send(h.frame('transcript.final', { text: 'uh' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.advance(1000);
    expect(h.downstream('interrupt')).toHaveLength(0);
    expect(conversation.messages).toEqual([]);
  });

  it('minDuration: speech that lasts interrupts at the minimum and becomes a turn', async () => {
    const { h, conversation, botSpeaking } = await userTurns({
      interruption: 'minDuration',
      minDurationMs: 300,
    });
    await botSpeaking();
    await h.send(h.frame('user.speaking.started', {}));
    await h.advance(299);
    expect(h.downstream('interrupt')).toHaveLength(0);
    await h.advance(1);
    expect(h.downstream('interrupt')).toHaveLength(1);
    await h.send(h.frame('transcript.final', { text: 'stop talking please' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    expect(conversation.messages).toEqual([{ role: 'user', content: 'stop talking please' }]);
  });

  it('minWords: interrupts once interim transcripts reach the word count', async () => {
    const { h, botSpeaking } = await userTurns({ interruption: 'minWords', minWords: 3 });
    await botSpeaking();
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'wait a' }));
    expect(h.downstream('interrupt')).toHaveLength(0);
    await h.send(h.frame('transcript.interim', { text: 'wait a second' }));
    expect(h.downstream('interrupt')).toHaveLength(1);
  });

  it('interrupts at once when the bot is silent, whatever the strategy (cancels a reply in the making)', async () => {
    const { h } = await userTurns({ interruption: 'minWords', minWords: 5 });
    await h.send(h.frame('user.speaking.started', {}));
    expect(h.downstream('interrupt')).toHaveLength(1);
  });
});

describe('AssistantTurnAggregator with the paced output', () => {
  /** LLM text → aggregator → (TTS stand-in) → paced output; bot.spoken flows back. */
  async function speakingBot() {
    const conversation = new ConversationContext();
    const assistant = new AssistantTurnAggregator('assistant', conversation);
    const output = new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 });
    const ha = new ProcessorHarness(assistant);
    const ho = new ProcessorHarness(output, { clock: ha.clock });
    // Wire output's upstream pushes back into the aggregator.
    output.attach({
      clock: ha.clock,
      logger: undefined as never,
      sink: (frame, direction) => {
        if (direction === 'upstream') assistant.receive(frame, 'upstream');
      },
    });
    await ha.start();
    await ho.start();
    const sentence = async (text: string, ms: number) => {
      await ha.send(ha.frame('llm.text', { text: `${text} ` }));
      output.receive(ha.frame('tts.text', { text }), 'downstream');
      output.receive(
        ha.frame('audio.out', { audio: new Int16Array(24 * ms).fill(500), sampleRate: 24000 }),
        'downstream',
      );
      await ha.settle();
    };
    return { conversation, ha, output, sentence };
  }

  it('records the whole reply once it has been played', async () => {
    const { conversation, ha, sentence } = await speakingBot();
    await ha.send(ha.frame('llm.response.start', {}));
    await sentence('One two three.', 600);
    await sentence('Four five six.', 600);
    await ha.send(ha.frame('llm.response.end', {}));
    await ha.advance(1300);
    expect(conversation.messages).toEqual([
      { role: 'assistant', content: 'One two three. Four five six.' },
    ]);
  });

  it('cuts the reply to what was actually played when the user barges in', async () => {
    const { conversation, ha, output, sentence } = await speakingBot();
    await ha.send(ha.frame('llm.response.start', {}));
    await sentence('The weather in Tokyo is mild.', 1000);
    await sentence('Expect light rain in the evening and sun tomorrow.', 2000);
    await ha.send(ha.frame('llm.response.end', {}));
    await ha.advance(1000 + 1000); // first sentence and half of the second played
    const interrupt = ha.frame('interrupt', { reason: 'barge-in' });
    output.receive(interrupt, 'downstream');
    await ha.send(interrupt);
    expect(conversation.messages).toEqual([
      { role: 'assistant', content: 'The weather in Tokyo is mild. Expect light rain in' },
    ]);
  });

  it('forgets a reply interrupted before any of it was heard', async () => {
    const { conversation, ha, output, sentence } = await speakingBot();
    await ha.send(ha.frame('llm.response.start', {}));
    await sentence('Hello there.', 500);
    await ha.advance(600);
    expect(conversation.messages).toHaveLength(1);
    await ha.send(ha.frame('llm.response.start', {}));
    await sentence('You will never hear this.', 1000);
    const interrupt = ha.frame('interrupt', { reason: 'barge-in' });
    output.receive(interrupt, 'downstream');
    await ha.send(interrupt);
    expect(conversation.messages).toEqual([{ role: 'assistant', content: 'Hello there.' }]);
  });
});
