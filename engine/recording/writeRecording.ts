import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeWav } from '../audio/wav.ts';
import { RECORDING_FILE, type Recording, recordingSchema } from './RecordingFormat.ts';
import { RecordingFormatError } from './RecordingFormatError.ts';

/**
 * Writes a recording as `<dir>/recording.json`, `user.wav`, `bot.wav`. The
 * metadata is validated first (what this writes, `readRecording` reads), and
 * the files go to a temporary directory renamed into place, so a reader never
 * sees half a recording.
 */
export async function writeRecording(dir: string, recording: Recording): Promise<string> {
  const checked = recordingSchema.safeParse(recording.meta);
  if (!checked.success)
    throw new RecordingFormatError(
      path.join(dir, RECORDING_FILE),
      checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  const meta = checked.data;
  // Hidden beside the target: a listing (or retention) never takes it for a recording.
  const staging = path.join(path.dirname(dir), `.${path.basename(dir)}.partial`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(
    path.join(staging, meta.audio.user.file),
    writeWav(recording.user.samples, recording.user.sampleRate),
  );
  await writeFile(
    path.join(staging, meta.audio.bot.file),
    writeWav(recording.bot.samples, recording.bot.sampleRate),
  );
  await writeFile(path.join(staging, RECORDING_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return dir;
}
