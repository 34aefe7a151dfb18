import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import {
  INPUT_AUDIO_TOKENS_PER_SECOND,
  OUTPUT_AUDIO_TOKENS_PER_SECOND,
} from '../../engine/metrics/Usage.ts';
import {
  S2sProcessor,
  type S2sSession,
  type S2sSettings,
} from '../../engine/services/s2s/S2sProcessor.ts';

/** A speech-to-speech model that reports no usage: it answers every turn with 1 s of audio. */
class SilentModel extends S2sProcessor<S2sSettings, S2sSession> {
  protected async dial(): Promise<S2sSession> {
    return { isOpen: true, close() {} };
  }
  protected sessionOpened(): void {}
  protected sendAudio(): void {}
  protected sendUserText(): void {}
  protected cancelResponse(): void {}
  protected truncate(): void {}
  protected sendToolResults(): void {}

  async turn(): Promise<void> {
    this.userStartedSpeaking();
    this.userStoppedSpeaking();
    this.responseStarted({ interrupted: false, audioStarted: false, transcript: '', calls: [] });
    this.botSaid('Sure, twelve characters.');
    this.botAudio('item', new Int16Array(24_000), 24_000);
    await this.responseDone(undefined, true);
  }
}

describe('a speech-to-speech node that reports no usage', () => {
  it('has its audio and text estimated, and marked so', async () => {
    const clock = new VirtualClock(1000);
    const model = new SilentModel('s2s', { reconnectDelayMs: 0 }, 16_000);
    const runner = pipeline([model], { clock });
    const observer = new LatencyObserver();
    runner.observeHops(observer.observe);
    await runner.start();
    await clock.advance(10);
    // Two seconds of microphone audio.
    for (let i = 0; i < 20; i++) {
      runner.push(
        runner.createFrame('audio.in', { audio: new Int16Array(1600), sampleRate: 16000 }),
      );
      await clock.advance(100);
    }
    await model.turn();
    await clock.advance(100);
    observer.flush();
    // Stopping drains on the virtual clock.
    const stopped = runner.stop();
    await clock.advance(5000);
    await stopped;
    const usage = observer.records.at(-1)?.usage?.s2s;
    expect(usage).toMatchObject({
      estimated: true,
      outputTextTokens: Math.ceil('Sure, twelve characters.'.length / 4),
      outputAudioTokens: OUTPUT_AUDIO_TOKENS_PER_SECOND,
    });
    // The resampler may hold back a few samples: about two seconds' worth.
    expect(usage?.inputAudioTokens).toBeGreaterThanOrEqual(2 * INPUT_AUDIO_TOKENS_PER_SECOND - 1);
    expect(usage?.inputAudioTokens).toBeLessThanOrEqual(2 * INPUT_AUDIO_TOKENS_PER_SECOND);
    expect(usage?.inputTextTokens).toBeUndefined();
  });
});
