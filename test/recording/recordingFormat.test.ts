import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeWav } from '../../engine/audio/wav.ts';
import { RecordingFormatError } from '../../engine/recording/RecordingFormatError.ts';
import { readRecording } from '../../engine/recording/readRecording.ts';
import { writeRecording } from '../../engine/recording/writeRecording.ts';
import { twoTurnRecording } from './helpers/syntheticRecording.ts';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'parley-format-'));
  dir = path.join(root, 'rec-1');
  await writeRecording(dir, twoTurnRecording());
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function editJson(edit: (json: Record<string, unknown>) => void): Promise<void> {
  const file = path.join(dir, 'recording.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

async function readError(location = dir): Promise<RecordingFormatError> {
  const error = await readRecording(location).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecordingFormatError);
  return error as RecordingFormatError;
}

describe('the recording format', () => {
  it('reads back exactly what was written: metadata and both tracks', async () => {
    const original = twoTurnRecording();
    const read = await readRecording(dir);
    expect(read.meta).toEqual(original.meta);
    expect(read.user.samples).toEqual(original.user.samples);
    expect(read.bot.sampleRate).toBe(16000);
    // Also when pointed at the recording.json itself.
    expect((await readRecording(path.join(dir, 'recording.json'))).meta.id).toBe('rec-1');
  });

  it('names the field of a bad value by its JSON path', async () => {
    await editJson((json) => {
      (json.turns as Array<{ hops: Record<string, unknown> }>)[1].hops.sttFinalMs = 'soon';
    });
    const error = await readError();
    expect(error.message).toContain('recording.json');
    expect(error.problems.join('\n')).toMatch(/^turns\.1\.hops\.sttFinalMs: /m);
  });

  it('refuses a file that is not JSON, a newer format, an unknown event and out-of-range times', async () => {
    await writeFile(path.join(dir, 'recording.json'), '{"formatVersion": 1, "id": ');
    expect((await readError()).problems[0]).toMatch(/^not JSON/);

    await writeRecording(dir, twoTurnRecording());
    await editJson((json) => {
      json.formatVersion = 7;
    });
    expect((await readError()).problems[0]).toMatch(/formatVersion 7 is newer/);

    await writeRecording(dir, twoTurnRecording());
    await editJson((json) => {
      (json.events as unknown[]).push({ kind: 'telepathy', atMs: 1 });
      json.durationMs = 1e12;
    });
    const problems = (await readError()).problems.join('\n');
    expect(problems).toMatch(/^events\.8\.kind: /m);
    expect(problems).toMatch(/^durationMs: /m);
  });

  it('refuses an id that could leave the directory', async () => {
    await editJson((json) => {
      json.id = '../../etc';
    });
    expect((await readError()).problems.join('\n')).toMatch(/^id: /m);
  });

  it('refuses a missing, corrupt or mismatched track, naming the file', async () => {
    await writeFile(path.join(dir, 'bot.wav'), 'RIFF....WAVEnope');
    const corrupt = await readError();
    expect(corrupt.file).toBe(path.join(dir, 'bot.wav'));

    await writeFile(path.join(dir, 'bot.wav'), writeWav(new Int16Array(100), 24000));
    expect((await readError()).problems[0]).toMatch(/24000 Hz, but recording.json says 16000 Hz/);

    await rm(path.join(dir, 'user.wav'));
    expect((await readError()).file).toBe(path.join(dir, 'user.wav'));
  });

  it('says so when there is no recording at all', async () => {
    const error = await readError(path.join(root, 'nothing-here'));
    expect(error.problems[0]).toMatch(/cannot be read/);
  });

  it('will not write metadata it could not read back', async () => {
    const bad = twoTurnRecording();
    bad.meta.turns[0].voiceToVoiceMs = Number.NaN;
    await expect(writeRecording(path.join(root, 'bad'), bad)).rejects.toThrow(
      /turns\.0\.voiceToVoiceMs/,
    );
  });
});
