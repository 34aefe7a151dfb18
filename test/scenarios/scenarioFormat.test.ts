import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../engine/scenarios/loadScenarios.ts';
import { ScenarioFormatError } from '../../engine/scenarios/ScenarioFormatError.ts';

const FILE = 'suite/weather.json';

/** A valid scenario with `change` applied to it (or to its first turn). */
function scenario(change: Record<string, unknown> = {}, turn: Record<string, unknown> = {}) {
  return JSON.stringify({
    scenarioVersion: 1,
    name: 'weather',
    turns: [{ say: 'what is the weather in Tokyo', expect: { replyMatches: 'tokyo' }, ...turn }],
    ...change,
  });
}

/** The problems a ScenarioFormatError lists for `text`. */
function problemsOf(text: string): string[] {
  try {
    parseScenario(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFormatError);
    expect((error as Error).message).toContain(`${FILE} is not a valid Parley scenario`);
    return (error as ScenarioFormatError).problems;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario format: what a valid file becomes', () => {
  it('fills the defaults: kal16 voice, no tools, 15 s reply timeout, no expectations', () => {
    const parsed = parseScenario(scenario({}, { expect: undefined }), FILE);
    expect(parsed.voice).toBe('kal16');
    expect(parsed.tools).toEqual([]);
    expect(parsed.replyTimeoutMs).toBe(15_000);
    expect(parsed.turns[0].expect).toEqual({});
  });
});

describe('scenario format errors name the file, the field and what is wrong', () => {
  it('refuses text that is not JSON', () => {
    expect(problemsOf('{ "scenarioVersion": 1,')[0]).toMatch(/^not JSON/);
  });

  it('refuses a newer format version with a message that says so', () => {
    expect(problemsOf(scenario({ scenarioVersion: 2 }))).toEqual([
      'scenarioVersion 2 is newer than this Parley reads (1)',
    ]);
  });

  it('refuses unknown fields, at the top and in expectations', () => {
    expect(problemsOf(scenario({ turn: [] }))).toEqual(['(top level): Unrecognized key: "turn"']);
    expect(problemsOf(scenario({}, { expect: { replyMatch: 'x' } }))).toEqual([
      'turns.0.expect: Unrecognized key: "replyMatch"',
    ]);
  });

  it('needs exactly one of say and wav, and one timing', () => {
    expect(problemsOf(scenario({}, { wav: 'q.wav' }))).toEqual([
      'turns.0: give exactly one of "say" and "wav"',
    ]);
    expect(problemsOf(scenario({}, { atMs: 100, pauseMs: 500 }))).toEqual([
      'turns.0: give at most one of "atMs", "afterBotStartsMs" and "pauseMs"',
    ]);
  });

  it('refuses a regular expression that does not compile', () => {
    expect(problemsOf(scenario({}, { expect: { replyMatches: 'tokyo(' } }))).toEqual([
      'turns.0.expect.replyMatches: not a valid regular expression',
    ]);
  });

  it('refuses a voice Flite does not have, and negative times', () => {
    const problems = problemsOf(scenario({}, { voice: 'hal9000', atMs: -5 }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^turns\.0\.voice: Invalid option: expected one of "kal"\|/);
    expect(problems[1]).toMatch(/^turns\.0\.atMs: Too small/);
  });

  it('refuses barge-in expectations on a turn that does not barge in, and a barge-in on the first turn', () => {
    expect(problemsOf(scenario({}, { expect: { botStopsWithinMs: 500 } }))).toEqual([
      'turns.0.expect.botStopsWithinMs: only for a barge-in turn (one with "afterBotStartsMs")',
    ]);
    expect(problemsOf(scenario({}, { afterBotStartsMs: 800 }))).toEqual([
      'turns.0.afterBotStartsMs: the first turn has no reply to barge in on',
    ]);
  });

  it('needs a scripted tool to give exactly one of result and error', () => {
    expect(problemsOf(scenario({ tools: [{ name: 'get_weather' }] }))).toEqual([
      'tools.0: give exactly one of "result" and "error"',
    ]);
  });
});

describe('loading a scenario directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-scenarios-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the good files and lists one problem per bad file, without throwing', async () => {
    await writeFile(path.join(dir, 'a-good.json'), scenario());
    await writeFile(path.join(dir, 'b-broken.json'), '{ nope');
    await writeFile(
      path.join(dir, 'c-missing-wav.json'),
      scenario({ name: 'wav' }, { say: undefined, wav: 'gone.wav' }),
    );
    await writeFile(path.join(dir, 'd-same-name.json'), scenario());
    await writeFile(path.join(dir, 'notes.txt'), 'not a scenario');
    const suite = await loadScenarios(dir);
    expect(suite.scenarios.map((s) => s.file)).toEqual([path.join(dir, 'a-good.json')]);
    expect(suite.problems.map((p) => [path.basename(p.file), p.problems])).toEqual([
      ['b-broken.json', [expect.stringMatching(/^not JSON/)]],
      ['c-missing-wav.json', ['turns.0.wav: no file gone.wav beside the scenario']],
      [
        'd-same-name.json',
        [`name: "weather" is already the name of ${path.join(dir, 'a-good.json')}`],
      ],
    ]);
  });

  it('refuses a directory with no scenario files, and a path that does not exist', async () => {
    await expect(loadScenarios(dir)).rejects.toThrow('holds no scenario files (*.json)');
    await expect(loadScenarios(path.join(dir, 'nowhere'))).rejects.toThrow(
      /nowhere is not a valid Parley scenario:\n {2}cannot be read/,
    );
  });
});
