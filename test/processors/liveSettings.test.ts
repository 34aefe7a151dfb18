/**
 * The generic processors parse a live settings update with their own settings
 * schema: a bad value or an unknown key (an old client still sending
 * `stopSecs`) is refused whole with an error naming the node and the key, and
 * the settings in use stay as they were; a good update takes effect.
 */
import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import { UserTurnAggregator } from '../../engine/processors/context/UserTurnAggregator.ts';
import { PacedAudioOutput } from '../../engine/processors/transport/PacedAudioOutput.ts';
import { EnergyScorer } from '../../engine/processors/vad/EnergyScorer.ts';
import { VadProcessor } from '../../engine/processors/vad/VadProcessor.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f) => (f.type === 'error' ? f.message : ''));

describe('VadProcessor live settings', () => {
  /** 20 ms chunks of a 220 Hz tone (speech stand-in) or silence, on virtual time. */
  async function feed(h: ProcessorHarness, ms: number, amplitude: number): Promise<void> {
    for (let t = 0; t < ms; t += 20) {
      const audio = Int16Array.from({ length: 320 }, (_, i) =>
        Math.round(amplitude * Math.sin((2 * Math.PI * 220 * i) / 16000)),
      );
      await h.advance(20);
      await h.send(h.frame('audio.in', { audio, sampleRate: 16000 }));
      await h.idle();
    }
  }

  /** How long after the end of speech the VAD said the user stopped. */
  async function stopDelay(h: ProcessorHarness): Promise<number> {
    const before = h.downstream('user.speaking.stopped').length;
    await feed(h, 300, 8000);
    await feed(h, 1000, 0);
    const stopped = h.downstream('user.speaking.stopped')[before];
    if (stopped?.type !== 'user.speaking.stopped') throw new Error('the VAD never stopped');
    return stopped.at - stopped.speechEndedAt!;
  }

  async function setUp() {
    const h = new ProcessorHarness(new VadProcessor('vad', new EnergyScorer(), { stopMs: 300 }));
    await h.start();
    return h;
  }

  it('refuses a duration in seconds, naming the key; the stop delay stays', async () => {
    const h = await setUp();
    h.processor.updateSettings({ stopMs: 0.5 });
    expect(await stopDelay(h)).toBe(300);
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'vad': 'stopMs' is invalid/),
    ]);
  });

  it('refuses the old seconds key whole: the valid key beside it is not applied', async () => {
    const h = await setUp();
    h.processor.updateSettings({ stopMs: 600, stopSecs: 0.6 });
    expect(await stopDelay(h)).toBe(300);
    expect(errors(h)).toEqual([expect.stringMatching(/'stopSecs' is not one of its settings/)]);
  });

  it('applies a good update to the next turn', async () => {
    const h = await setUp();
    h.processor.updateSettings({ stopMs: 600 });
    expect(await stopDelay(h)).toBe(600);
    expect(errors(h)).toEqual([]);
  });
});

describe('UserTurnAggregator live settings', () => {
  async function setUp() {
    const user = new UserTurnAggregator('user', new ConversationContext(), {});
    const h = new ProcessorHarness(user);
    await h.start();
    /** Speech over a speaking bot: does it interrupt at once? */
    const interruptsAtOnce = async () => {
      await h.send(h.frame('bot.speaking.started', {}), 'upstream');
      await h.send(h.frame('user.speaking.started', {}));
      const interrupted = h.downstream('interrupt').length > 0;
      await h.send(h.frame('user.speaking.stopped', {}));
      return interrupted;
    };
    return { h, interruptsAtOnce };
  }

  it('refuses an unknown strategy, naming the key; barge-in stays immediate', async () => {
    const { h, interruptsAtOnce } = await setUp();
    h.processor.updateSettings({ interruption: 'whenever' });
    expect(await interruptsAtOnce()).toBe(true);
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'user': 'interruption' is invalid/),
    ]);
  });

  it('applies a good update to the next stretch of speech', async () => {
    const { h, interruptsAtOnce } = await setUp();
    h.processor.updateSettings({ interruption: 'minWords', minWords: 3 });
    expect(await interruptsAtOnce()).toBe(false);
    expect(errors(h)).toEqual([]);
  });
});

describe('PacedAudioOutput live settings', () => {
  /** How much of one second of bot audio is handed out at once. */
  async function sentAtOnceMs(h: ProcessorHarness): Promise<number> {
    await h.send(h.frame('audio.out', { audio: new Int16Array(16000), sampleRate: 16000 }));
    return h.downstream('audio.out').length * 20;
  }

  async function setUp() {
    const h = new ProcessorHarness(new PacedAudioOutput('out', { maxAheadMs: 40, chunkMs: 20 }));
    await h.start();
    return h;
  }

  it('refuses a negative lead, naming the key; pacing stays as it was', async () => {
    const h = await setUp();
    h.processor.updateSettings({ maxAheadMs: -1 });
    expect(await sentAtOnceMs(h)).toBe(60);
    expect(errors(h)).toEqual([
      expect.stringMatching(/^settings update for node 'out': 'maxAheadMs' is invalid/),
    ]);
  });

  it('refuses a key that is not a node setting', async () => {
    const h = await setUp();
    h.processor.updateSettings({ chunkMs: 5 });
    expect(await sentAtOnceMs(h)).toBe(60);
    expect(errors(h)).toEqual([expect.stringMatching(/'chunkMs' is not one of its settings/)]);
  });

  it('applies a good update', async () => {
    const h = await setUp();
    h.processor.updateSettings({ maxAheadMs: 100 });
    expect(await sentAtOnceMs(h)).toBe(120);
    expect(errors(h)).toEqual([]);
  });
});
