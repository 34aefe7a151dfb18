import { describe, expect, it } from 'vitest';
import { TimelineTrack } from '../../engine/recording/TimelineTrack.ts';

const ones = (n: number, value = 1) => new Int16Array(n).fill(value);

describe('TimelineTrack', () => {
  it('lays chunks that arrive close together end to end, however jittery their arrival', async () => {
    const track = new TimelineTrack({ gapMs: 200, maxMs: 10_000, defaultSampleRate: 16000 });
    // 20 ms chunks at 16 kHz, arriving late and in a burst.
    track.add(ones(320, 1), 16000, 0);
    track.add(ones(320, 2), 16000, 90);
    track.add(ones(320, 3), 16000, 91);
    const { samples, sampleRate } = await track.render();
    expect(sampleRate).toBe(16000);
    expect(samples.length).toBe(960);
    expect([samples[0], samples[320], samples[640]]).toEqual([1, 2, 3]);
  });

  it('places a chunk after a real gap at its arrival time, with silence between', async () => {
    const track = new TimelineTrack({ gapMs: 60, maxMs: 10_000, defaultSampleRate: 16000 });
    track.add(ones(1600), 16000, 500); // the first reply starts half a second in
    track.add(ones(1600, 5), 16000, 2000);
    const { samples } = await track.render(3000);
    expect(samples.length).toBe(48_000);
    expect(samples[7999]).toBe(0);
    expect(samples[8000]).toBe(1);
    expect(samples[9600]).toBe(0);
    expect(samples[32_000]).toBe(5);
  });

  it('stops taking audio past its cap and says so', async () => {
    const track = new TimelineTrack({ gapMs: 60, maxMs: 100, defaultSampleRate: 16000 });
    track.add(ones(1280), 16000, 0); // 80 ms
    track.add(ones(640), 16000, 80); // would end at 120 ms
    track.add(ones(16), 16000, 81);
    expect(track.truncated).toBe(true);
    expect((await track.render()).samples.length).toBe(1280);
  });

  it('keeps the first chunk’s rate and resamples chunks at another', async () => {
    const track = new TimelineTrack({ gapMs: 60, maxMs: 10_000, defaultSampleRate: 16000 });
    track.add(ones(480, 1000), 24000, 0); // 20 ms at 24 kHz
    track.add(ones(160, 1000), 8000, 20); // 20 ms at 8 kHz
    const { samples, sampleRate } = await track.render();
    expect(sampleRate).toBe(24000);
    expect(samples.length).toBe(960);
    expect(samples[700]).toBeGreaterThan(500);
  });
});
