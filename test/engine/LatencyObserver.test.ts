import { describe, expect, it } from 'vitest';
import { type Direction, FrameProcessor } from '../../engine/core/FrameProcessor.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import { SentenceAggregator } from '../../engine/processors/text/SentenceAggregator.ts';

/** Does after `ms` of virtual time, unless interrupted first. */
abstract class Delayed extends FrameProcessor {
  protected later(ms: number, fn: () => void): void {
    const signal = this.signal;
    this.clock.setTimeout(() => {
      if (!signal.aborted) fn();
    }, ms);
  }
}
/** Hears 'hello' in any speech but a cough (under 200 ms). */
class FakeStt extends Delayed {
  private speechStartedAt = 0;
  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
    if (frame.type === 'user.speaking.started')
      this.speechStartedAt = frame.speechStartedAt ?? this.clock.now();
    if (
      frame.type !== 'user.speaking.stopped' ||
      (frame.speechEndedAt ?? this.clock.now()) - this.speechStartedAt < 200
    )
      return;
    this.later(15, () => this.push(this.frame('transcript.final', { text: 'hello' })));
  }
}
class FakeLlm extends Delayed {
  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
    if (frame.type !== 'transcript.final') return;
    this.later(200, () => {
      this.push(this.frame('llm.response.start', {}));
      this.push(this.frame('llm.text', { text: 'Hi there. ' }));
      this.push(this.frame('llm.text', { text: 'How can I help?' }));
      this.push(this.frame('llm.response.end', {}));
    });
  }
}
class FakeTts extends Delayed {
  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
    if (frame.type === 'tts.text')
      this.later(100, () =>
        this.push(this.frame('audio.out', { audio: new Int16Array(24 * 1000), sampleRate: 24000 })),
      );
  }
}

async function conversation() {
  const clock = new VirtualClock(1000);
  const runner = pipeline(
    [
      new FakeStt('stt'),
      new FakeLlm('llm'),
      new SentenceAggregator('sentences'),
      new FakeTts('tts'),
    ],
    { clock },
  );
  const observer = new LatencyObserver();
  runner.observeHops(observer.observe);
  await runner.start();
  const userSays = async (speechMs: number, vadStopMs: number) => {
    const start = clock.now();
    runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: start }));
    await clock.advance(speechMs + vadStopMs);
    runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: start + speechMs }));
  };
  return { clock, runner, observer, userSays };
}

describe('LatencyObserver', () => {
  it('builds the per-turn waterfall and voice-to-voice from end of speech', async () => {
    const { clock, observer, userSays } = await conversation();
    await userSays(800, 300);
    await clock.advance(5000);
    expect(observer.records).toHaveLength(1);
    const [turn] = observer.records;
    expect(turn.hops).toEqual({
      vadEndOfSpeechMs: 300,
      sttFinalMs: 315,
      llmFirstTokenMs: 515,
      firstSentenceMs: 515,
      ttsFirstAudioMs: 615,
      firstAudioOutMs: 615,
    });
    expect(turn.nodes).toMatchObject({
      sttFinalMs: 'stt',
      llmFirstTokenMs: 'llm',
      firstSentenceMs: 'sentences',
      ttsFirstAudioMs: 'tts',
    });
    expect(turn.voiceToVoiceMs).toBe(615);
    expect(turn.interrupted).toBe(false);
    expect(turn.botSpeechEndMs).toBe(615 + 2000); // two one-second sentences
    expect(turn.userText).toBe('hello');
  });

  it('measures interruption latency from the start of user speech to the bot going silent', async () => {
    const { clock, runner, observer, userSays } = await conversation();
    await userSays(500, 300);
    await clock.advance(1000); // bot is talking now
    const bargeInStart = clock.now();
    // The VAD heard the onset 64 ms ago and reaches 200 ms further back for the recogniser: that padding is not latency.
    runner.push(
      runner.createFrame('user.speaking.started', {
        speechStartedAt: bargeInStart - 64 - 200,
        paddingMs: 200,
      }),
    );
    await clock.advance(10);
    runner.push(runner.createFrame('interrupt', { reason: 'barge-in' }));
    await clock.advance(500);
    runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: clock.now() - 300 }));
    await clock.advance(5000);
    const [first, second] = observer.records;
    expect(first.interrupted).toBe(true);
    expect(second.interruptionMs).toBe(64 + 10);
    expect(second.voiceToVoiceMs).toBe(300 + 15 + 200 + 100);
  });

  describe('false interruptions (the output paused, then resumed)', () => {
    it('counts a cough that paused the reply on the reply, not as an interruption or a turn', async () => {
      const { clock, runner, observer, userSays } = await conversation();
      await userSays(500, 300);
      await clock.advance(1000); // bot is talking now
      runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: clock.now() }));
      runner.push(runner.createFrame('output.pause', { reason: 'user started speaking' }));
      await clock.advance(150);
      runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: clock.now() }));
      runner.push(runner.createFrame('output.resume', { reason: 'a cough' }));
      await clock.advance(5000);
      expect(observer.records).toHaveLength(1);
      const [turn] = observer.records;
      expect(turn).toMatchObject({
        turn: 1,
        interrupted: false,
        falseInterruptions: 1,
        falseInterruptionPauseMs: 150,
      });
      // The reply played to its end, later by the pause less the ≤ 60 ms the client held and played meanwhile.
      expect(turn.botSpeechEndMs).toBeGreaterThanOrEqual(615 + 2000 + 150 - 60);
      expect(turn.botSpeechEndMs).toBeLessThan(615 + 2000 + 150);
      expect(turn.interruptionMs).toBeUndefined();
    });

    it('measures a barge-in that paused the bot first from the pause: that is when the user stopped hearing it', async () => {
      const { clock, runner, observer, userSays } = await conversation();
      await userSays(500, 300);
      await clock.advance(1000);
      runner.push(
        runner.createFrame('user.speaking.started', { speechStartedAt: clock.now() - 64 }),
      );
      runner.push(runner.createFrame('output.pause', { reason: 'user started speaking' }));
      await clock.advance(300); // minDurationMs met
      runner.push(runner.createFrame('interrupt', { reason: 'barge-in' }));
      await clock.advance(500);
      runner.push(
        runner.createFrame('user.speaking.stopped', { speechEndedAt: clock.now() - 300 }),
      );
      await clock.advance(5000);
      const [first, second] = observer.records;
      expect(first.interrupted).toBe(true);
      expect(first.falseInterruptions).toBeUndefined();
      expect(second.interruptionMs).toBe(64);
    });
  });
});
