import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activeLevelDbfs, applyGain, rmsDbfs } from '../../bench/suites/offline/activeLevel.ts';
import {
  applyCondition,
  CONDITIONS,
  conditionById,
  MIC_PAD_MS,
  padForMic,
} from '../../bench/suites/offline/conditions.ts';
import { soxTransform } from '../../bench/suites/offline/sox.ts';
import { SPEECH_LEVEL_DBFS } from '../../bench/suites/offline/voices.ts';
import { readWav } from '../../engine/audio/wav.ts';

const RATE = 16_000;

function speechAt(file: string, levelDbfs: number): Int16Array {
  const raw = readWav(readFileSync(`test/fixtures/speech/${file}`)).samples;
  return applyGain(raw, levelDbfs - activeLevelDbfs(raw, RATE));
}

const speech = speechAt('weather-london.wav', SPEECH_LEVEL_DBFS);
const others = [
  'tell-me-a-joke.wav',
  'set-timer.wav',
  'play-music.wav',
  'call-mother.wav',
  'stop.wav',
].map((f) => speechAt(f, SPEECH_LEVEL_DBFS));

/** Active speech level of the clean clip over the RMS of what was added to it. */
function measuredSnrDb(clean: Int16Array, heard: Int16Array): number {
  const added = Int16Array.from(heard, (s, i) => s - clean[i]);
  return activeLevelDbfs(clean, RATE) - rmsDbfs(added);
}

describe('eval conditions', () => {
  it('active level ignores silence: padding an utterance does not change it', () => {
    expect(activeLevelDbfs(speech, RATE)).toBeCloseTo(SPEECH_LEVEL_DBFS, 0);
    expect(activeLevelDbfs(padForMic(speech), RATE)).toBeCloseTo(SPEECH_LEVEL_DBFS, 0);
    // Plain RMS would count the silence.
    expect(rmsDbfs(padForMic(speech))).toBeLessThan(SPEECH_LEVEL_DBFS - 1);
  });

  it.each(CONDITIONS.filter((c) => c.kind === 'noise').map((c) => [c.id, c] as const))(
    '%s is at its stated SNR, measured back within 1 dB, with noise in the silences',
    (_id, condition) => {
      const heard = applyCondition(condition, { speech, seed: 'u1', babbleSources: others });
      const clean = padForMic(speech);
      expect(heard.length).toBe(clean.length);
      if (condition.kind !== 'noise') throw new Error('unreachable');
      expect(Math.abs(measuredSnrDb(clean, heard) - condition.snrDb)).toBeLessThanOrEqual(1);
      const lead = heard.subarray(0, (RATE * MIC_PAD_MS) / 1000 - 10);
      expect(rmsDbfs(lead)).toBeGreaterThan(SPEECH_LEVEL_DBFS - condition.snrDb - 10);
    },
  );

  it('is deterministic, and each utterance gets its own stretch of noise', () => {
    const white = conditionById('white10dB');
    const a = applyCondition(white, { speech, seed: 'u1' });
    expect(applyCondition(white, { speech, seed: 'u1' })).toEqual(a);
    expect(applyCondition(white, { speech, seed: 'u2' })).not.toEqual(a);
    const babble = conditionById('babble10dB');
    expect(applyCondition(babble, { speech, seed: 'u1', babbleSources: others })).toEqual(
      applyCondition(babble, { speech, seed: 'u1', babbleSources: others }),
    );
  });

  it('telephone is band-limited to 300–3400 Hz', () => {
    const clean = padForMic(speech);
    const phone = applyCondition(conditionById('telephone'), { speech, seed: 'u1' });
    const above = (s: Int16Array) => rmsDbfs(soxTransform(s, ['sinc', '3800']));
    const below = (s: Int16Array) => rmsDbfs(soxTransform(s, ['sinc', '-200']));
    expect(above(phone)).toBeLessThan(above(clean) - 30);
    expect(below(phone)).toBeLessThan(below(clean) - 20);
    // The speech band itself survives.
    const band = (s: Int16Array) => rmsDbfs(soxTransform(s, ['sinc', '500-3000']));
    expect(Math.abs(band(phone) - band(clean))).toBeLessThan(3);
  });

  it('gain −20 dB is quiet and +10 dB clips at full scale', () => {
    const quiet = applyCondition(conditionById('gainMinus20dB'), { speech, seed: 'u1' });
    expect(activeLevelDbfs(quiet, RATE)).toBeCloseTo(SPEECH_LEVEL_DBFS - 20, 0);
    const loud = applyCondition(conditionById('gainPlus10dB'), { speech, seed: 'u1' });
    const clipped = loud.filter((s) => s === 32767 || s === -32768).length;
    expect(clipped).toBeGreaterThan(10);
  });

  it('reverb changes the signal but not its active level', () => {
    const wet = applyCondition(conditionById('reverb'), { speech, seed: 'u1' });
    const clean = padForMic(speech);
    expect(activeLevelDbfs(wet, RATE)).toBeCloseTo(activeLevelDbfs(clean, RATE), 0);
    // The room's tail fills the trailing silence.
    const tail = (s: Int16Array) => rmsDbfs(s.subarray(s.length - (RATE * MIC_PAD_MS) / 1000));
    expect(tail(wet)).toBeGreaterThan(tail(clean) + 20);
  });

  it('refuses babble without 4–6 other talkers', () => {
    expect(() =>
      applyCondition(conditionById('babble20dB'), {
        speech,
        seed: 'u1',
        babbleSources: others.slice(0, 2),
      }),
    ).toThrow(/babble needs 4–6 other utterances, got 2/);
  });
});
