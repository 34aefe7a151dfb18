import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneRecordings } from '../../server/recording/pruneRecordings.ts';
import {
  recordingSettingsFromEnv,
  recordsGraph,
} from '../../server/recording/RecordingSettings.ts';
import { recordingId } from '../../server/recording/recordSession.ts';

describe('recording settings from the environment', () => {
  it('are off by default', () => {
    expect(recordingSettingsFromEnv({})).toBeUndefined();
    expect(recordingSettingsFromEnv({ PARLEY_RECORD: 'off' })).toBeUndefined();
  });

  it('record every graph, or the graphs listed', () => {
    const all = recordingSettingsFromEnv({ PARLEY_RECORD: 'all', PARLEY_RECORDINGS_DIR: '/tmp/r' });
    expect(all).toMatchObject({ dir: '/tmp/r', maxCount: 100, maxDurationMs: 30 * 60_000 });
    expect(recordsGraph(all!, 'anything')).toBe(true);
    const some = recordingSettingsFromEnv({
      PARLEY_RECORD: 'voice-agent, phone-bot',
      PARLEY_RECORDINGS_MAX: '0',
      PARLEY_RECORDINGS_MAX_AGE_DAYS: '7',
      PARLEY_RECORDING_MAX_MINUTES: '5',
    })!;
    expect(recordsGraph(some, 'phone-bot')).toBe(true);
    expect(recordsGraph(some, 'echo')).toBe(false);
    expect(some).toMatchObject({ maxCount: undefined, maxAgeMs: 7 * 86_400_000 });
    expect(some.maxDurationMs).toBe(5 * 60_000);
  });

  it('refuse a malformed limit, naming the variable', () => {
    expect(() =>
      recordingSettingsFromEnv({ PARLEY_RECORD: 'all', PARLEY_RECORDINGS_MAX: 'lots' }),
    ).toThrow('PARLEY_RECORDINGS_MAX=lots: expected a number ≥ 0');
  });
});

describe('recording ids', () => {
  it('sort by time and cannot leave the directory', () => {
    expect(recordingId(new Date('2026-12-04T17:05:09.123Z'), '../x y')).toBe(
      '20261204T170509Z-.._x_y',
    );
  });
});

describe('pruneRecordings', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-retention-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function recording(name: string, createdAt: string): Promise<void> {
    await mkdir(path.join(dir, name));
    await writeFile(
      path.join(dir, name, 'recording.json'),
      JSON.stringify({ formatVersion: 1, id: name, createdAt }),
    );
  }

  it('keeps the newest recordings up to the count, and only recordings', async () => {
    await recording('a', '2026-12-01T00:00:00.000Z');
    await recording('b', '2026-12-03T00:00:00.000Z');
    await recording('c', '2026-12-02T00:00:00.000Z');
    await mkdir(path.join(dir, 'notes')); // not a recording: never touched
    await mkdir(path.join(dir, '.d.partial')); // one being written
    expect(await pruneRecordings(dir, { maxCount: 2 })).toEqual(['a']);
    expect((await readdir(dir)).sort()).toEqual(['.d.partial', 'b', 'c', 'notes']);
  });

  it('deletes recordings older than the age limit', async () => {
    await recording('old', '2026-11-01T00:00:00.000Z');
    await recording('new', '2026-12-04T00:00:00.000Z');
    const now = Date.parse('2026-12-04T12:00:00.000Z');
    expect(await pruneRecordings(dir, { maxAgeMs: 7 * 86_400_000 }, now)).toEqual(['old']);
    expect(await readdir(dir)).toEqual(['new']);
  });

  it('does nothing without limits, or without a directory', async () => {
    await recording('a', '2020-01-01T00:00:00.000Z');
    expect(await pruneRecordings(dir, {})).toEqual([]);
    expect(await pruneRecordings(path.join(dir, 'missing'), { maxCount: 1 })).toEqual([]);
  });
});
