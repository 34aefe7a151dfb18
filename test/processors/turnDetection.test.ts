import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../engine/core/FrameProcessor.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import { transcriptEndOfTurn } from '../../engine/processors/context/EndOfTurnAnalyzer.ts';
import {
  UserTurnAggregator,
  type UserTurnSettings,
} from '../../engine/processors/context/UserTurnAggregator.ts';
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
  /** The user says `text` and falls silent; the STT's final text arrives with the VAD's stop. */
  const say = async (text: string) => {
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.final', { text }));
    await h.send(h.frame('user.speaking.stopped', {}));
  };
  return { h, conversation, say };
}

describe('transcriptEndOfTurn', () => {
  it.each([
    'remind me to',
    'turn off the lights and',
    'I was thinking about the',
    'so um',
    'it is like',
    'what about',
    'call my mother because',
    'set a timer for',
    'well, you know',
    'I want',
    'first,',
    'Book a table for two and…',
  ])('"%s" is unfinished', (text) => {
    expect(transcriptEndOfTurn(text).complete).toBe(false);
  });

  it.each([
    "what's the weather in Tokyo",
    'thanks',
    'thank you very much',
    'Is it going to rain?',
    'tell me a joke.',
    'stop',
    'turn the lights on',
    'I think so',
    "what's the weather like",
    'yes please',
    '',
    'turn the volume up',
  ])('"%s" is complete', (text) => {
    expect(transcriptEndOfTurn(text).complete).toBe(true);
  });

  it('says why', () => {
    expect(transcriptEndOfTurn('buy milk and').reason).toBe('trailing "and"');
    expect(transcriptEndOfTurn('where are you?').reason).toBe('question');
  });
});

describe('UserTurnAggregator end of turn', () => {
  it('vad (the default): ends the turn at end of speech whatever the words', async () => {
    const { h, conversation, say } = await userTurns();
    await say('remind me to');
    expect(conversation.messages).toEqual([{ role: 'user', content: 'remind me to' }]);
    expect(h.downstream('llm.context')).toHaveLength(1);
  });

  it('smart: a complete sentence ends the turn at once', async () => {
    const { h, say } = await userTurns({ endOfTurn: 'smart' });
    const stoppedAt = h.clock.now();
    await say("what's the weather in Tokyo");
    const [context] = h.emitted.filter((e) => e.frame.type === 'llm.context');
    expect(context?.at).toBe(stoppedAt);
  });

  it('smart: an unfinished sentence waits incompleteExtraMs, then ends the turn', async () => {
    const { h, conversation, say } = await userTurns({
      endOfTurn: 'smart',
      incompleteExtraMs: 600,
    });
    await say('remind me to');
    await h.advance(599);
    expect(h.downstream('llm.context')).toHaveLength(0);
    await h.advance(1);
    expect(h.downstream('llm.context')).toHaveLength(1);
    expect(conversation.messages).toEqual([{ role: 'user', content: 'remind me to' }]);
    const metrics = h.downstream('metrics').flatMap((f) => (f.type === 'metrics' ? f.metrics : []));
    expect(metrics).toEqual([
      expect.objectContaining({
        name: 'endOfTurnHold',
        value: 600,
        detail: { reason: 'trailing "to"' },
      }),
      expect.objectContaining({
        name: 'endOfTurnHoldMs',
        value: 600,
        detail: { reason: 'trailing "to"' },
      }),
    ]);
  });

  it('smart: speech during the wait continues the same turn, without an interrupt', async () => {
    const { h, conversation, say } = await userTurns({
      endOfTurn: 'smart',
      incompleteExtraMs: 600,
    });
    await say('remind me to');
    const interruptsBefore = h.downstream('interrupt').length;
    await h.advance(400);
    await say('buy milk tomorrow');
    expect(h.downstream('interrupt')).toHaveLength(interruptsBefore);
    expect(h.downstream('llm.context')).toHaveLength(1);
    expect(conversation.messages).toEqual([
      { role: 'user', content: 'remind me to buy milk tomorrow' },
    ]);
    await h.advance(2000);
    expect(h.downstream('llm.context')).toHaveLength(1);
  });

  it('smart: a final transcript that arrives after end of speech is checked too', async () => {
    const { h, conversation } = await userTurns({ endOfTurn: 'smart', incompleteExtraMs: 500 });
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.advance(20);
    await h.send(h.frame('transcript.final', { text: 'turn off the lights and' }));
    expect(conversation.messages).toEqual([]);
    // More words from the recogniser that finish the sentence end the hold early.
    await h.advance(100);
    await h.send(h.frame('transcript.final', { text: 'the music' }));
    expect(conversation.messages).toEqual([
      { role: 'user', content: 'turn off the lights and the music' },
    ]);
  });

  it('is live-updatable: switching to smart takes effect on the next turn, back to vad ends a held turn now', async () => {
    const { h, conversation, say } = await userTurns();
    h.processor.updateSettings({ endOfTurn: 'smart', incompleteExtraMs: 800 });
    await h.settle();
    await say('call my mother and');
    await h.advance(300);
    expect(conversation.messages).toEqual([]);
    h.processor.updateSettings({ endOfTurn: 'vad' });
    await h.settle();
    expect(conversation.messages).toEqual([{ role: 'user', content: 'call my mother and' }]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('is configurable on the context.user node, with live keys', () => {
    const def = createDefaultRegistry().get('context.user')!;
    expect(def.liveKeys).toEqual(expect.arrayContaining(['endOfTurn', 'incompleteExtraMs']));
    const config = def.config.parse({}) as { endOfTurn: string; incompleteExtraMs: number };
    expect(config).toMatchObject({ endOfTurn: 'vad', incompleteExtraMs: 600 });
    expect(() => def.config.parse({ endOfTurn: 'psychic' })).toThrow();
  });
});

/** Answers every llm.context after 200 ms of virtual time with a little audio. */
class InstantBot extends FrameProcessor {
  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
    if (frame.type !== 'llm.context') return;
    const signal = this.signal;
    this.clock.setTimeout(() => {
      if (signal.aborted) return;
      this.push(this.frame('llm.text', { text: 'Sure.' }));
      this.push(this.frame('audio.out', { audio: new Int16Array(2400), sampleRate: 24000 }));
    }, 200);
  }
}

describe('LatencyObserver with smart end of turn', () => {
  it('keeps a paused-and-resumed turn as one record, with the turn end and the hold', async () => {
    const clock = new VirtualClock(1000);
    const user = new UserTurnAggregator('user', new ConversationContext(), {
      ...defaults,
      endOfTurn: 'smart',
      incompleteExtraMs: 600,
    });
    const runner = pipeline([user, new InstantBot('bot')], { clock });
    const observer = new LatencyObserver();
    runner.observeHops(observer.observe);
    await runner.start();
    const utterance = async (text: string, speechMs: number) => {
      const start = clock.now();
      runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: start }));
      await clock.advance(speechMs + 300);
      runner.push(runner.createFrame('transcript.final', { text }));
      runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: start + speechMs }));
      await clock.advance(0);
    };
    await utterance('remind me to', 800);
    await clock.advance(200); // inside the 600 ms hold
    await utterance('buy milk', 500);
    await clock.advance(2000);
    observer.flush();
    expect(observer.records).toHaveLength(1);
    const [turn] = observer.records;
    expect(turn.userText).toBe('remind me to buy milk');
    expect(turn.userTurnEndMs).toBe(300);
    expect(turn.endOfTurnHoldMs).toBeUndefined();
    expect(turn.voiceToVoiceMs).toBe(500);

    await utterance('and then', 400);
    await clock.advance(2000);
    observer.flush();
    const last = observer.records[observer.records.length - 1];
    expect(last.endOfTurnHoldMs).toBe(600);
    expect(last.userTurnEndMs).toBe(900);
    expect(last.voiceToVoiceMs).toBe(1100);
  });
});
