import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeRecording, writeWav } from '#engine';
import type { ScenarioSource } from '../api/scenarioWire.ts';
import { ScenarioApiError } from './ScenarioApiError.ts';
import type { ScenarioLibrary } from './ScenarioLibrary.ts';
import { scenarioFromRecording } from './scenarioFromRecording.ts';
import { checkScenarioName, inside, scenarioRecordingDir } from './scenarioPaths.ts';
import type { TalkRecordings } from './TalkRecordings.ts';

/**
 * "Save as scenario": a finished Talk session becomes `<suite>/<name>.json`,
 * with each user turn's audio in `<suite>/<name>/turn-N.wav` and the whole
 * recording in `<suite>/<name>/recording/` (the baseline runs are compared
 * with). The suite directory is made if it is new; an existing scenario is
 * never overwritten (409).
 */
export async function saveTalkAsScenario(
  library: ScenarioLibrary,
  recordings: TalkRecordings,
  request: { suite: string; sessionId: string; name: string },
): Promise<ScenarioSource> {
  const name = checkScenarioName(request.name);
  const dir = await library.existingSuite(request.suite, true);
  const taken = (await library.suite(request.suite)).scenarios.some((s) => s.name === name);
  const assets = inside(dir, name);
  if (taken || existsSync(inside(dir, `${name}.json`)) || existsSync(assets))
    throw new ScenarioApiError(409, `suite "${request.suite}" already has a scenario "${name}"`);
  const recording = await recordings.recording(request.sessionId);
  let made: ReturnType<typeof scenarioFromRecording>;
  try {
    made = scenarioFromRecording(recording, name);
  } catch (error) {
    throw new ScenarioApiError(422, `session "${request.sessionId}": ${(error as Error).message}`);
  }
  try {
    await mkdir(assets, { recursive: true });
    for (const wav of made.wavs)
      await writeFile(path.join(dir, wav.file), writeWav(wav.samples, wav.sampleRate));
    await writeRecording(scenarioRecordingDir(dir, name), recording);
    return await library.save(request.suite, name, `${JSON.stringify(made.scenario, null, 2)}\n`);
  } catch (error) {
    // Half a scenario is worse than none: the next attempt starts clean.
    await rm(assets, { recursive: true, force: true });
    throw error;
  }
}
