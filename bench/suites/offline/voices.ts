/**
 * Speaks corpus text with a synthetic voice: espeak-ng (formant voices and
 * their variants) or Parley's own Flite build (engine/providers/flite). The
 * result is what a close microphone would hear of the talker alone: 16 kHz
 * mono s16, the synthesiser's own leading/trailing silence trimmed, at an
 * active speech level of -20 dBFS: a well-set microphone (browsers' AGC aims
 * about there), peaks ~6 dB under full scale, so noise at 5 dB SNR barely
 * clips while the +10 dB condition clips the way a hot microphone does.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FliteSynth, writeWav } from '#engine';
import { activeLevelDbfs, applyGain } from './activeLevel.ts';
import { EVAL_RATE, PCM16_MONO, readMono16k, runTool, withScratchAsync } from './sox.ts';

export type VoiceSpec =
  | { engine: 'flite'; name: 'slt' | 'rms' | 'awb' | 'kal16' | 'kal' }
  | { engine: 'espeak'; name: string; wpm: number; pitch: number };

export const SPEECH_LEVEL_DBFS = -20;

/** A stable, readable name: `flite:slt`, `espeak:en-us+f2@170/35`. */
export function voiceId(voice: VoiceSpec): string {
  return voice.engine === 'flite'
    ? `flite:${voice.name}`
    : `espeak:${voice.name}@${voice.wpm}/${voice.pitch}`;
}

let flite: FliteSynth | undefined;

/** Flite's worker threads live for the whole run; call when done. */
export async function closeVoices(): Promise<void> {
  await flite?.close();
  flite = undefined;
}

export async function speak(text: string, voice: VoiceSpec): Promise<Int16Array> {
  if (text.trim() === '') throw new Error(`offline eval: empty text for voice ${voiceId(voice)}`);
  return withScratchAsync(async (dir) => {
    const raw = path.join(dir, 'raw.wav');
    if (voice.engine === 'flite') {
      flite ??= new FliteSynth({ workers: 1 });
      const audio = await flite.synthesize(text, { voice: voice.name });
      writeFileSync(raw, writeWav(audio.samples, audio.sampleRate));
    } else {
      runTool('espeak-ng', [
        '-v',
        voice.name,
        '-s',
        String(voice.wpm),
        '-p',
        String(voice.pitch),
        '-w',
        raw,
        text,
      ]);
    }
    const trimmed = path.join(dir, 'trimmed.wav');
    // Trim below -50 dB at both ends (silence effect, run forwards then reversed).
    runTool('sox', [
      '-R',
      '-D',
      raw,
      ...PCM16_MONO,
      trimmed,
      'silence',
      '1',
      '0.01',
      '0.3%',
      'reverse',
      'silence',
      '1',
      '0.01',
      '0.3%',
      'reverse',
    ]);
    const samples = readMono16k(trimmed);
    const level = activeLevelDbfs(samples, EVAL_RATE);
    if (!Number.isFinite(level))
      throw new Error(`offline eval: ${voiceId(voice)} said nothing for "${text}"`);
    return applyGain(samples, SPEECH_LEVEL_DBFS - level);
  });
}
