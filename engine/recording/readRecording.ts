import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readWav } from '../audio/wav.ts';
import {
  type AudioTrack,
  RECORDING_FILE,
  RECORDING_FORMAT_VERSION,
  RECORDING_LIMITS,
  type Recording,
  type RecordingMeta,
  recordingSchema,
} from './RecordingFormat.ts';
import { RecordingFormatError } from './RecordingFormatError.ts';

/**
 * Reads and validates a recording directory (or its recording.json). Every
 * problem becomes a RecordingFormatError naming the file and the field: a
 * corrupt or hostile recording is refused, never half-loaded.
 */
export async function readRecording(location: string): Promise<Recording> {
  const dir = path.basename(location) === RECORDING_FILE ? path.dirname(location) : location;
  const jsonFile = path.join(dir, RECORDING_FILE);
  const meta = parseRecordingMeta(await readBounded(jsonFile), jsonFile);
  const user = await readTrack(dir, meta.audio.user.file, meta.audio.user.sampleRate);
  const bot = await readTrack(dir, meta.audio.bot.file, meta.audio.bot.sampleRate);
  return { meta, user, bot };
}

/** Validates recording.json's text; `file` names it in errors. */
export function parseRecordingMeta(text: string, file: string): RecordingMeta {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecordingFormatError(file, [`not JSON (${(error as Error).message})`]);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > RECORDING_FORMAT_VERSION)
    throw new RecordingFormatError(file, [
      `formatVersion ${version} is newer than this Parley reads (${RECORDING_FORMAT_VERSION})`,
    ]);
  const result = recordingSchema.safeParse(json);
  if (!result.success)
    throw new RecordingFormatError(
      file,
      result.error.issues
        .slice(0, 20)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  return result.data;
}

async function readBounded(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new RecordingFormatError(file, [`cannot be read (${(error as Error).message})`]);
  }
  if (size > RECORDING_LIMITS.maxJsonBytes)
    throw new RecordingFormatError(file, [
      `${size} bytes, more than the ${RECORDING_LIMITS.maxJsonBytes} a recording may have`,
    ]);
  return readFile(file, 'utf8');
}

async function readTrack(dir: string, name: string, sampleRate: number): Promise<AudioTrack> {
  const file = path.join(dir, name);
  // Two bytes a sample, a little header slack: anything bigger is not a track this format wrote.
  const maxBytes = (RECORDING_LIMITS.maxDurationMs / 1000) * sampleRate * 2 + 4096;
  let bytes: Buffer;
  try {
    if ((await stat(file)).size > maxBytes)
      throw new Error(`longer than ${RECORDING_LIMITS.maxDurationMs / 3_600_000} hours`);
    bytes = await readFile(file);
  } catch (error) {
    throw new RecordingFormatError(file, [`cannot be read (${(error as Error).message})`]);
  }
  let wav: ReturnType<typeof readWav>;
  try {
    wav = readWav(bytes);
  } catch (error) {
    throw new RecordingFormatError(file, [(error as Error).message]);
  }
  if (wav.channels !== 1)
    throw new RecordingFormatError(file, [`${wav.channels} channels; a track is mono`]);
  if (wav.sampleRate !== sampleRate)
    throw new RecordingFormatError(file, [
      `${wav.sampleRate} Hz, but recording.json says ${sampleRate} Hz`,
    ]);
  return { samples: wav.samples, sampleRate: wav.sampleRate };
}
