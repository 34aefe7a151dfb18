import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../engine/audio/wav.ts';
import { EnergyScorer } from '../../engine/processors/vad/EnergyScorer.ts';
import { VadProcessor, type VadSettings } from '../../engine/processors/vad/VadProcessor.ts';
import { VadStateMachine } from '../../engine/processors/vad/VadStateMachine.ts';
import { SileroScorer } from '../../engine/providers/silero/SileroScorer.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';

const settings: Partial<VadSettings> = {
  confidence: 0.5,
  startMs: 100,
  stopMs: 300,
  minVolume: -60,
  prePaddingMs: 0,
  muteWhileBotSpeaking: false,
};

describe('VadStateMachine', () => {
  it('needs startMs of speech to start and stopMs of silence to stop; short blips do neither', () => {
    const vad = new VadStateMachine({ startMs: 60, stopMs: 100 });
    const feed = (pattern: string, t0: number) =>
      [...pattern].map((c, i) => vad.update(c === 'x', 20, t0 + (i + 1) * 20)).filter(Boolean);
    expect(feed('x_x_', 0)).toEqual([]); // a blip is not speech
    expect(feed('xxx', 100)).toEqual([{ kind: 'started', speechStartedAt: 100 }]);
    expect(feed('xx__x', 160)).toEqual([]); // a short pause is not the end
    expect(feed('_____', 260)).toEqual([{ kind: 'stopped', speechEndedAt: 260 }]);
  });

  it('reports a pause once per silence, after pauseMs and before the stop', () => {
    const vad = new VadStateMachine({ startMs: 40, stopMs: 100, pauseMs: 40 });
    const feed = (pattern: string, t0: number) =>
      [...pattern].map((c, i) => vad.update(c === 'x', 20, t0 + (i + 1) * 20)).filter(Boolean);
    expect(feed('xx', 0)).toEqual([{ kind: 'started', speechStartedAt: 0 }]);
    expect(feed('___x', 40)).toEqual([{ kind: 'paused', speechEndedAt: 40 }]); // the user went on: no stop
    expect(feed('_____', 120)).toEqual([
      { kind: 'paused', speechEndedAt: 120 },
      { kind: 'stopped', speechEndedAt: 120 },
    ]);
    const noPause = new VadStateMachine({ startMs: 40, stopMs: 100, pauseMs: 0 });
    expect(
      [...'xx_____']
        .map((c, i) => noPause.update(c === 'x', 20, (i + 1) * 20))
        .filter(Boolean)
        .map((t) => t!.kind),
    ).toEqual(['started', 'stopped']);
  });
});

/** 20 ms of tone (speech stand-in) or silence at 16 kHz. */
const tone = (ms: number, amplitude: number) =>
  Int16Array.from({ length: (16000 * ms) / 1000 }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * 220 * i) / 16000)),
  );

async function feedRealTime(
  h: ProcessorHarness,
  audio: Int16Array,
  sampleRate = 16000,
  chunkMs = 20,
): Promise<void> {
  const chunk = (sampleRate * chunkMs) / 1000;
  for (let i = 0; i + chunk <= audio.length; i += chunk) {
    await h.advance(chunkMs);
    await h.send(h.frame('audio.in', { audio: audio.subarray(i, i + chunk), sampleRate }));
    await h.idle();
  }
}

describe('VadProcessor (energy)', () => {
  it('emits speaking started/stopped with the stop delay, on virtual time, passing audio through', async () => {
    const h = new ProcessorHarness(new VadProcessor('vad', new EnergyScorer(), settings));
    await h.start();
    await feedRealTime(h, tone(200, 0));
    await feedRealTime(h, tone(500, 8000));
    const started = h.downstream('user.speaking.started');
    expect(started).toHaveLength(1);
    await feedRealTime(h, tone(600, 0));
    const stopped = h.downstream('user.speaking.stopped');
    expect(stopped).toHaveLength(1);
    const s = started[0].type === 'user.speaking.started' ? started[0] : undefined;
    const e = stopped[0].type === 'user.speaking.stopped' ? stopped[0] : undefined;
    expect(s?.speechStartedAt).toBe(200);
    expect(e?.speechEndedAt).toBe(700);
    expect(stopped[0].at - e!.speechEndedAt!).toBe(300); // the stop delay
    expect(h.downstream('audio.in')).toHaveLength(65);
  });

  it('ignores the mic while the bot speaks when asked to (no echo barge-in)', async () => {
    const h = new ProcessorHarness(
      new VadProcessor('vad', new EnergyScorer(), { ...settings, muteWhileBotSpeaking: true }),
    );
    await h.start();
    await h.send(h.frame('bot.speaking.started', {}), 'upstream');
    await feedRealTime(h, tone(500, 8000));
    expect(h.downstream('user.speaking.started')).toHaveLength(0);
    await h.send(h.frame('bot.speaking.stopped', {}), 'upstream');
    await feedRealTime(h, tone(500, 8000));
    expect(h.downstream('user.speaking.started')).toHaveLength(1);
  });

  it('analyses 8 kHz phone audio by resampling it', async () => {
    const h = new ProcessorHarness(new VadProcessor('vad', new EnergyScorer(), settings));
    await h.start();
    const phone = Int16Array.from({ length: 8000 * 0.5 }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / 8000)),
    );
    await feedRealTime(h, phone, 8000);
    expect(h.downstream('user.speaking.started')).toHaveLength(1);
  });
});

describe('VadProcessor (Silero)', () => {
  it('detects the spoken words in a real recording and not the silence around them', async () => {
    const wav = readWav(readFileSync('test/fixtures/speech/weather-tokyo.wav'));
    const h = new ProcessorHarness(
      new VadProcessor('vad', new SileroScorer(), {
        ...settings,
        confidence: 0.5,
        startMs: 100,
        stopMs: 300,
      }),
    );
    await h.start();
    await h.idle();
    const padded = new Int16Array(wav.samples.length + 16000);
    padded.set(wav.samples);
    await feedRealTime(h, padded, wav.sampleRate);
    const started = h.downstream('user.speaking.started')[0];
    const stopped = h.downstream('user.speaking.stopped')[0];
    expect(started).toBeDefined();
    expect(stopped).toBeDefined();
    const speechMs =
      (stopped.type === 'user.speaking.stopped' ? stopped.speechEndedAt! : 0) -
      (started.type === 'user.speaking.started' ? started.speechStartedAt! : 0);
    const wavMs = (wav.samples.length / wav.sampleRate) * 1000;
    // The fixture has ~300 ms of silence on each side of the words.
    expect(speechMs).toBeGreaterThan(wavMs - 900);
    expect(speechMs).toBeLessThan(wavMs - 300);
    await h.send(h.frame('end', {}));
  });
});
