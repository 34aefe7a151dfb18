import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { ChatMessage, Frame, Metric } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import {
  UserTurnAggregator,
  type UserTurnSettings,
} from '../../engine/processors/context/UserTurnAggregator.ts';
import { type LlmDelta, LlmProcessor } from '../../engine/services/llm/LlmProcessor.ts';
import { sleep } from '../../engine/services/retry/RetryPolicy.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../engine/tools/Tool.ts';

/** A model with a fixed 200 ms time to first token, on the harness clock; records every request. */
class ScriptedLlm extends LlmProcessor {
  readonly requests: Array<{ messages: ChatMessage[]; signal: AbortSignal; at: number }> = [];
  reply: LlmDelta[] = [
    { type: 'text', text: 'Sure. ' },
    { type: 'text', text: 'Here you go.' },
  ];

  protected override async *generate(
    messages: ChatMessage[],
    _tools: readonly Tool[],
    signal: AbortSignal,
  ): AsyncIterable<LlmDelta> {
    this.requests.push({ messages, signal, at: this.clock.now() });
    await sleep(this.clock, 200, signal);
    yield* this.reply;
  }
}

const user = (content: string): ChatMessage => ({ role: 'user', content });
const metricsOf = (frames: Frame[]): Metric[] =>
  frames.flatMap((f) => (f.type === 'metrics' ? f.metrics : []));

async function llmAlone() {
  const conversation = new ConversationContext();
  const llm = new ScriptedLlm('llm', conversation, {
    systemPrompt: 'be brief',
    maxToolSteps: 2,
    fallbackReply: 'Oops.',
  });
  const h = new ProcessorHarness(llm);
  await h.start();
  /** The aggregator's two moves: ask early on the words so far, then confirm the turn. */
  const preempt = (words: string) =>
    h.send(
      h.frame('llm.context.preemptive', { messages: [...conversation.messages, user(words)] }),
    );
  const confirm = async (words: string) => {
    conversation.add(user(words));
    await h.send(h.frame('llm.context', { messages: [...conversation.messages] }));
  };
  const firstTextAt = () => h.emitted.find((e) => e.frame.type === 'llm.text')?.at;
  return { h, llm, conversation, preempt, confirm, firstTextAt };
}

describe('LlmProcessor preemptive generation', () => {
  it('starts the model early, holds its answer until the turn is confirmed, and only waits for what is left', async () => {
    const { h, llm, preempt, confirm, firstTextAt } = await llmAlone();
    await preempt('tell me a joke');
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0].messages).toEqual([
      { role: 'system', content: 'be brief' },
      user('tell me a joke'),
    ]);
    await h.advance(150);
    expect(h.downstreamTypes()).toEqual([]); // nothing leaves before the turn is confirmed
    await confirm('Tell me a joke.'); // the final transcript, punctuated: the same words
    await h.advance(50);
    expect(llm.requests).toHaveLength(1);
    expect(firstTextAt()).toBe(200); // not 150 + 200
    expect(h.downstreamTypes().filter((t) => t !== 'metrics')).toEqual([
      'llm.response.start',
      'llm.text',
      'llm.text',
      'llm.response.end',
    ]);
    const metrics = metricsOf(h.downstream());
    expect(metrics.find((m) => m.name === 'ttfb')?.value).toBe(200);
    expect(metrics.find((m) => m.name === 'llmPreemptiveWaitMs')).toMatchObject({
      value: 50,
      detail: { heldMs: 0 },
    });
  });

  it('releases an answer that was ready before the turn was confirmed at once', async () => {
    const { h, preempt, confirm, firstTextAt } = await llmAlone();
    await preempt('tell me a joke');
    await h.advance(300);
    expect(h.downstream('llm.text')).toHaveLength(0);
    await confirm('tell me a joke');
    expect(firstTextAt()).toBe(300);
    expect(metricsOf(h.downstream()).find((m) => m.name === 'llmPreemptiveWaitMs')).toMatchObject({
      value: 0,
      detail: { heldMs: 100 },
    });
  });

  it('cancels the early request and asks again when the confirmed turn has other words', async () => {
    const { h, llm, preempt, confirm, firstTextAt } = await llmAlone();
    await preempt('tell me a');
    await h.advance(100);
    await confirm('tell me a joke');
    expect(llm.requests[0].signal.aborted).toBe(true);
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].messages.at(-1)).toEqual(user('tell me a joke'));
    await h.advance(200);
    expect(firstTextAt()).toBe(300);
    expect(metricsOf(h.downstream()).some((m) => m.name === 'llmPreemptiveWaitMs')).toBe(false);
  });

  it('cancels the early request on discard and on interrupt', async () => {
    const { h, llm, preempt } = await llmAlone();
    await preempt('one');
    await h.send(h.frame('llm.context.discard', {}));
    expect(llm.requests[0].signal.aborted).toBe(true);
    await preempt('two');
    await h.send(h.frame('interrupt', { reason: 'user spoke' }));
    expect(llm.requests[1].signal.aborted).toBe(true);
    await h.advance(500);
    expect(h.downstream('llm.text')).toHaveLength(0);
  });

  it('never runs a tool before the turn is confirmed', async () => {
    const { h, llm, preempt, confirm } = await llmAlone();
    const ran: string[] = [];
    llm.setTools([
      {
        name: 'lights_off',
        description: 'turns the lights off',
        parameters: {},
        timeoutMs: 1000,
        execute: async () => {
          ran.push('lights_off');
          return 'ok';
        },
      },
    ]);
    llm.reply = [
      { type: 'tool_calls', calls: [{ id: 'c1', name: 'lights_off', arguments: '{}' }] },
    ];
    await preempt('turn off the lights');
    await h.advance(400);
    expect(ran).toEqual([]);
    llm.reply = [{ type: 'text', text: 'Done.' }];
    await confirm('turn off the lights');
    await h.advance(300); // tool, then the model's second call
    expect(ran).toEqual(['lights_off']);
    expect(h.downstream('llm.text').map((f) => f.type === 'llm.text' && f.text)).toEqual(['Done.']);
  });
});

const defaults: Partial<UserTurnSettings> = {
  interruption: 'immediate',
  minDurationMs: 300,
  minWords: 2,
  finalTimeoutMs: 1000,
  preemptiveGeneration: true,
};

async function userTurns(settings: Partial<UserTurnSettings> = {}) {
  const conversation = new ConversationContext();
  conversation.add({ role: 'assistant', content: 'Hello!' });
  const h = new ProcessorHarness(
    new UserTurnAggregator('user', conversation, { ...defaults, ...settings }),
  );
  await h.start();
  return { h, conversation };
}

describe('UserTurnAggregator preemptive generation', () => {
  it('asks the LLM early on a pause with the conversation so far plus the words heard, then confirms the turn', async () => {
    const { h } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'tell me a joke' }));
    await h.send(h.frame('user.speaking.paused', {}));
    const [early] = h.downstream('llm.context.preemptive');
    expect(early.type === 'llm.context.preemptive' && early.messages).toEqual([
      { role: 'assistant', content: 'Hello!' },
      user('tell me a joke'),
    ]);
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.send(h.frame('transcript.final', { text: 'tell me a joke' }));
    expect(h.downstreamTypes().filter((t) => t.startsWith('llm.'))).toEqual([
      'llm.context.preemptive',
      'llm.context',
    ]);
  });

  it('withdraws the early request when the user goes on with new words', async () => {
    const { h } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'tell me a' }));
    await h.send(h.frame('user.speaking.paused', {}));
    await h.advance(1000);
    await h.send(h.frame('transcript.interim', { text: 'tell me a' })); // the same words again: kept
    expect(h.downstream('llm.context.discard')).toHaveLength(0);
    await h.send(h.frame('transcript.interim', { text: 'tell me a joke' }));
    expect(h.downstream('llm.context.discard')).toHaveLength(1);
    expect(h.downstream('llm.context.preemptive')).toHaveLength(1);
    await h.send(h.frame('user.speaking.paused', {}));
    expect(h.downstream('llm.context.preemptive')).toHaveLength(2);
  });

  it('asks again with words the recogniser delivers just after the pause (partials lag the audio)', async () => {
    const { h } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'tell me on' }));
    await h.send(h.frame('user.speaking.paused', {}));
    await h.advance(40);
    await h.send(h.frame('transcript.interim', { text: 'tell me a joke' }));
    expect(h.downstreamTypes().filter((t) => t.startsWith('llm.'))).toEqual([
      'llm.context.preemptive',
      'llm.context.discard',
      'llm.context.preemptive',
    ]);
    const last = h.downstream('llm.context.preemptive')[1];
    expect(last.type === 'llm.context.preemptive' && last.messages.at(-1)).toEqual(
      user('tell me a joke'),
    );
  });

  it('does nothing when off (the default), for speech that is not a turn, or (smart) for an unfinished sentence', async () => {
    const off = await userTurns({ preemptiveGeneration: undefined });
    await off.h.send(off.h.frame('user.speaking.started', {}));
    await off.h.send(off.h.frame('transcript.interim', { text: 'tell me a joke' }));
    await off.h.send(off.h.frame('user.speaking.paused', {}));
    expect(off.h.downstream('llm.context.preemptive')).toHaveLength(0);

    const cough = await userTurns({ interruption: 'minDuration' });
    await cough.h.send(cough.h.frame('bot.speaking.started', {}), 'upstream');
    await cough.h.send(cough.h.frame('user.speaking.started', {}));
    await cough.h.send(cough.h.frame('transcript.interim', { text: 'uh' }));
    await cough.h.send(cough.h.frame('user.speaking.paused', {}));
    expect(cough.h.downstream('llm.context.preemptive')).toHaveLength(0);

    const smart = await userTurns({ endOfTurn: 'smart' });
    await smart.h.send(smart.h.frame('user.speaking.started', {}));
    await smart.h.send(smart.h.frame('transcript.interim', { text: 'remind me to' }));
    await smart.h.send(smart.h.frame('user.speaking.paused', {}));
    expect(smart.h.downstream('llm.context.preemptive')).toHaveLength(0);
  });

  it('withdraws the early request when the turn ends with no words', async () => {
    const { h } = await userTurns({ finalTimeoutMs: 300 });
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'hmm' }));
    await h.send(h.frame('user.speaking.paused', {}));
    await h.send(h.frame('transcript.interim', { text: '' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.advance(300);
    expect(h.downstream('llm.context.discard')).toHaveLength(1);
    expect(h.downstream('llm.context')).toHaveLength(0);
  });

  it('is configurable on the context.user node (off by default, live)', () => {
    const def = createDefaultRegistry().get('context.user')!;
    expect(def.config.parse({})).toMatchObject({ preemptiveGeneration: false });
    expect(def.liveKeys).toContain('preemptiveGeneration');
    expect(createDefaultRegistry().get('vad.silero')!.config.parse({})).toMatchObject({
      pauseMs: 100,
      stopMs: 300,
    });
  });
});

describe('preemptive generation end to end (virtual clock)', () => {
  it('takes the model time to first token off voice-to-voice, which stays measured from the end of speech', async () => {
    const run = async (preemptiveGeneration: boolean) => {
      const clock = new VirtualClock(1000);
      const conversation = new ConversationContext();
      const aggregator = new UserTurnAggregator('user', conversation, {
        ...defaults,
        preemptiveGeneration,
      });
      const llm = new ScriptedLlm('llm', conversation, {
        systemPrompt: '',
        maxToolSteps: 1,
        fallbackReply: 'Oops.',
      });
      const runner = pipeline([aggregator, llm], { clock });
      const observer = new LatencyObserver();
      runner.observeHops(observer.observe);
      await runner.start();
      const speechEnd = clock.now() + 800;
      runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: clock.now() }));
      runner.push(runner.createFrame('transcript.interim', { text: 'tell me a joke' }));
      await clock.advance(800 + 100); // VAD pauseMs 100
      runner.push(runner.createFrame('user.speaking.paused', { speechEndedAt: speechEnd }));
      await clock.advance(200); // VAD stopMs 300
      runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: speechEnd }));
      await clock.advance(20); // the STT's final
      runner.push(runner.createFrame('transcript.final', { text: 'tell me a joke' }));
      await clock.advance(1000);
      observer.flush();
      return observer.records[0];
    };
    const plain = await run(false);
    const early = await run(true);
    expect(plain.hops.llmFirstTokenMs).toBe(300 + 20 + 200);
    expect(early.hops.llmFirstTokenMs).toBe(320); // the answer was ready: released when the turn was confirmed
    expect(early.llmPreemptiveWaitMs).toBe(0);
    expect(early.ttfbMs.llm).toBe(200);
  });
});
