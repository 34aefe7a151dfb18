import { readFile } from 'node:fs/promises';
import { resample } from '../audio/Resampler.ts';
import { readWav, type WavAudio, WavFormatError } from '../audio/wav.ts';
import type { FliteSynth } from '../providers/flite/FliteSynth.ts';
import { wavPath } from './loadScenarios.ts';
import { type LoadedScenario, SCENARIO_LIMITS } from './ScenarioFormat.ts';
import { ScenarioFormatError } from './ScenarioFormatError.ts';

/**
 * What the user says in each turn, as PCM at `sampleRate`: text spoken by a
 * Flite voice, or a WAV file mixed to mono and resampled (the resample is
 * done here, at the edge, never silently by the graph).
 */
export async function userSpeech(
  loaded: LoadedScenario,
  sampleRate: number,
  flite: FliteSynth,
): Promise<Int16Array[]> {
  const { scenario } = loaded;
  const turns: Int16Array[] = [];
  for (const [i, turn] of scenario.turns.entries()) {
    const audio =
      turn.say !== undefined
        ? await flite.synthesize(turn.say, { voice: turn.voice ?? scenario.voice })
        : await readTurnWav(loaded, i, turn.wav as string);
    turns.push(await resample(audio.samples, audio.sampleRate, sampleRate));
  }
  return turns;
}

/** A turn's WAV as mono; a file that is no PCM16 WAV, or too long, names the scenario and the turn. */
async function readTurnWav(loaded: LoadedScenario, turn: number, wav: string): Promise<WavAudio> {
  const refuse = (problem: string) =>
    new ScenarioFormatError(loaded.file, [`turns.${turn}.wav: ${wav}: ${problem}`]);
  const bytes = await readFile(wavPath(loaded, wav)).catch((error: Error) => {
    throw refuse(`cannot be read (${error.message})`);
  });
  let audio: WavAudio;
  try {
    audio = readWav(bytes, { mixToMono: true });
  } catch (error) {
    if (error instanceof WavFormatError) throw refuse(error.message);
    throw error;
  }
  if ((audio.samples.length / audio.sampleRate) * 1000 > SCENARIO_LIMITS.maxMs)
    throw refuse('longer than 10 minutes');
  return audio;
}
