import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../engine/core/FrameProcessor.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import { AssistantTurnAggregator } from '../../engine/processors/context/AssistantTurnAggregator.ts';
import {
  UserTurnAggregator,
  type UserTurnSettings,
} from '../../engine/processors/context/UserTurnAggregator.ts';
import { SentenceAggregator } from '../../engine/processors/text/SentenceAggregator.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const defaults: Partial<UserTurnSettings> = {
  interruption: 'minDuration',
  minDurationMs: 300,
  minWords: 2,
  finalTimeoutMs: 1000,
  falseInterruption: 'pause',
};

/** What the aggregator decided, without the frames it only passes on. */
const decisions = (h: ProcessorHarness) =>
  h
    .downstreamTypes()
    .filter((t) => t === 'interrupt' || t === 'output.pause' || t === 'output.resume');

async function userTurns(settings: Partial<UserTurnSettings> = {}) {
  const conversation = new ConversationContext();
  const h = new ProcessorHarness(
    new UserTurnAggregator('user', conversation, { ...defaults, ...settings }),
  );
  await h.start();
  await h.send(h.frame('bot.speaking.started', {}), 'upstream');
  return { h, conversation };
}

describe('UserTurnAggregator with falseInterruption: pause', () => {
  it('pauses the bot the moment the user starts, and resumes it when a cough ends short of minDuration', async () => {
    const { h, conversation } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    expect(h.downstreamTypes()).toEqual(['output.pause', 'user.speaking.started']);
    await h.advance(150);
    await h.send(h.frame('transcript.final', { text: 'uh' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    expect(decisions(h)).toEqual(['output.pause', 'output.resume']);
    await h.advance(3000);
    expect(decisions(h)).toEqual(['output.pause', 'output.resume']); // the timeout was cancelled with the pause
    expect(conversation.messages).toEqual([]);
  });

  it('turns a pause into a real interrupt once the speech lasts minDuration, and never resumes', async () => {
    const { h, conversation } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    await h.advance(300);
    expect(decisions(h)).toEqual(['output.pause', 'interrupt']);
    await h.send(h.frame('transcript.final', { text: 'stop talking please' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    await h.advance(3000);
    expect(decisions(h)).toEqual(['output.pause', 'interrupt']);
    expect(conversation.messages).toEqual([{ role: 'user', content: 'stop talking please' }]);
  });

  it('minWords: "mm-hm" resumes, words enough interrupt', async () => {
    const { h } = await userTurns({ interruption: 'minWords', minWords: 3 });
    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'mm-hm' }));
    await h.send(h.frame('user.speaking.stopped', {}));
    expect(decisions(h)).toEqual(['output.pause', 'output.resume']);

    await h.send(h.frame('user.speaking.started', {}));
    await h.send(h.frame('transcript.interim', { text: 'wait a' }));
    await h.send(h.frame('transcript.interim', { text: 'wait a second' }));
    expect(decisions(h)).toEqual(['output.pause', 'output.resume', 'output.pause', 'interrupt']);
  });

  it('resumes after falseInterruptionTimeoutMs of speech without words, yet still lets the words interrupt later', async () => {
    const { h } = await userTurns({
      interruption: 'minWords',
      minWords: 2,
      falseInterruptionTimeoutMs: 1500,
    });
    await h.send(h.frame('user.speaking.started', {}));
    await h.advance(1499);
    expect(decisions(h)).toEqual(['output.pause']);
    await h.advance(1); // a television in the room, say: the bot is not held by it
    expect(decisions(h)).toEqual(['output.pause', 'output.resume']);
    await h.send(h.frame('transcript.interim', { text: 'hold on' }));
    expect(decisions(h)).toEqual(['output.pause', 'output.resume', 'interrupt']);
  });

  it('resumes at once when switched to ignore mid-pause', async () => {
    const { h } = await userTurns();
    await h.send(h.frame('user.speaking.started', {}));
    h.processor.updateSettings({ falseInterruption: 'ignore' });
    await h.settle();
    expect(decisions(h)).toEqual(['output.pause', 'output.resume']);
  });

  it('leaves the immediate strategy, a silent bot and the ignore default as they were', async () => {
    const immediate = await userTurns({ interruption: 'immediate' });
    await immediate.h.send(immediate.h.frame('user.speaking.started', {}));
    expect(decisions(immediate.h)).toEqual(['interrupt']);

    const silentBot = await userTurns();
    await silentBot.h.send(silentBot.h.frame('bot.speaking.stopped', {}), 'upstream');
    await silentBot.h.send(silentBot.h.frame('user.speaking.started', {}));
    expect(decisions(silentBot.h)).toEqual(['interrupt']);

    const ignore = await userTurns({ falseInterruption: undefined });
    await ignore.h.send(ignore.h.frame('user.speaking.started', {}));
    await ignore.h.advance(150);
    await ignore.h.send(ignore.h.frame('user.speaking.stopped', {}));
    await ignore.h.advance(3000);
    expect(decisions(ignore.h)).toEqual([]);
  });
});

/** Answers every user turn with a fixed reply, streamed at once. */
class ScriptedLlm extends FrameProcessor {
  constructor(
    id: string,
    private readonly reply: string[],
  ) {
    super(id);
  }
  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type !== 'llm.context' || direction !== 'downstream')
      return this.push(frame, direction);
    this.push(this.frame('llm.response.start', {}));
    for (const sentence of this.reply) this.push(this.frame('llm.text', { text: `${sentence} ` }));
    this.push(this.frame('llm.response.end', {}));
  }
}

/** One second of audio per sentence after a 100 ms first byte; like TtsProcessor, one sentence at a time, its text with its audio. */
class OneSecondTts extends FrameProcessor {
  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (frame.type !== 'tts.text') return this.push(frame, direction);
    const signal = this.signal;
    return new Promise((resolve) => {
      this.clock.setTimeout(() => {
        if (!signal.aborted) {
          this.push(frame);
          this.push(
            this.frame('audio.out', { audio: new Int16Array(24000).fill(300), sampleRate: 24000 }),
          );
        }
        resolve();
      }, 100);
    });
  }
}

describe('false interruption in a speaking pipeline', () => {
  const reply = [
    'One two three four five six seven eight nine ten.',
    'Eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.',
  ];

  async function talkingBot(settings: Partial<UserTurnSettings>) {
    const clock = new VirtualClock(1000);
    const conversation = new ConversationContext();
    const runner = pipeline(
      [
        new UserTurnAggregator('user', conversation, { ...defaults, ...settings }),
        new ScriptedLlm('llm', reply),
        new AssistantTurnAggregator('assistant', conversation),
        new SentenceAggregator('sentences'),
        new OneSecondTts('tts'),
      ],
      { clock },
    );
    const observer = new LatencyObserver();
    runner.observeHops(observer.observe);
    let audioOutMs = 0;
    runner.onOutput((frame) => {
      if (frame.type === 'audio.out') audioOutMs += (frame.audio.length / frame.sampleRate) * 1000;
    });
    await runner.start();
    const startSpeaking = () =>
      runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: clock.now() }));
    const stopSpeaking = async (text: string) => {
      if (text) runner.push(runner.createFrame('transcript.final', { text }));
      runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: clock.now() }));
      await clock.advance(0);
    };
    const say = async (text: string, speechMs: number) => {
      startSpeaking();
      await clock.advance(speechMs);
      await stopSpeaking(text);
    };
    await say('tell me a story', 500);
    await clock.advance(100 + 600); // the bot is 600 ms into the first sentence
    expect(runner.isBotSpeaking).toBe(true);
    return {
      clock,
      runner,
      conversation,
      observer,
      say,
      startSpeaking,
      stopSpeaking,
      audioOut: () => audioOutMs,
    };
  }

  it('a cough pauses the bot, which then plays the whole reply, and the context keeps it uncut', async () => {
    const { clock, conversation, observer, startSpeaking, stopSpeaking, audioOut } =
      await talkingBot({});
    const beforeCough = audioOut();
    startSpeaking();
    await clock.advance(150);
    expect(audioOut()).toBe(beforeCough); // quiet while the cough lasts
    await stopSpeaking('');
    await clock.advance(5000);
    expect(audioOut()).toBe(2000);
    expect(conversation.messages).toEqual([
      { role: 'user', content: 'tell me a story' },
      { role: 'assistant', content: reply.join(' ') },
    ]);
    expect(observer.records).toHaveLength(1); // the cough is no turn of its own
    expect(observer.records[0]).toMatchObject({
      interrupted: false,
      falseInterruptions: 1,
      falseInterruptionPauseMs: 150,
    });
  });

  it('a real barge-in interrupts, and the context keeps what played before the bot went quiet', async () => {
    const { clock, runner, conversation, observer, say } = await talkingBot({});
    await say('stop', 400); // past minDurationMs: a real interrupt at 300 ms
    expect(runner.isBotSpeaking).toBe(false);
    await clock.advance(5000);
    // 600 ms of the first second had played when it paused (+ ≤ 60 ms the client held): the 300 ms spent deciding are not counted.
    expect(conversation.messages.slice(0, 2)).toEqual([
      { role: 'user', content: 'tell me a story' },
      { role: 'assistant', content: 'One two three four five six' },
    ]);
    const [story, stop] = observer.records;
    expect(story.interrupted).toBe(true);
    expect(story.falseInterruptions).toBeUndefined();
    expect(stop.interruptionMs).toBe(0); // silent from the start of speech, not from the decision
  });

  it('without pause the same cough is talked over (the default)', async () => {
    const { clock, conversation, say, audioOut } = await talkingBot({
      falseInterruption: 'ignore',
    });
    const beforeCough = audioOut();
    await say('', 150);
    expect(audioOut()).toBeGreaterThan(beforeCough + 100);
    await clock.advance(5000);
    expect(conversation.messages[1]).toEqual({ role: 'assistant', content: reply.join(' ') });
  });
});
