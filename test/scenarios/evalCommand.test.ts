import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVAL_EXIT, type EvalCommandOptions, evalCommand } from '../../bin/evalCommand.ts';

/**
 * `parley eval`'s input handling and exit codes. Nothing here runs a graph on
 * audio (the starter suite and the must-fail tests do): every case is refused
 * or fails before the first turn is spoken.
 */
describe('parley eval', () => {
  let dir: string;
  let printed: string[];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-eval-'));
    printed = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function options(change: Partial<EvalCommandOptions>): EvalCommandOptions {
    return {
      scenarios: dir,
      graph: 'voice-agent',
      graphsDir: 'graphs',
      repeat: '1',
      liveTools: false,
      print: (text) => printed.push(text),
      ...change,
    };
  }

  it('refuses a --repeat that is not a whole number ≥ 1 (exit 2)', async () => {
    expect(await evalCommand(options({ repeat: '0' }))).toBe(EVAL_EXIT.badInput);
    expect(await evalCommand(options({ repeat: 'lots' }))).toBe(EVAL_EXIT.badInput);
    expect(printed).toEqual([
      'parley eval: --repeat 0: must be a whole number from 1 to 1000',
      'parley eval: --repeat lots: must be a whole number from 1 to 1000',
    ]);
  });

  it('refuses a graph it cannot find or that is not valid (exit 2)', async () => {
    expect(await evalCommand(options({ graph: 'no-such-graph' }))).toBe(EVAL_EXIT.badInput);
    expect(printed.pop()).toBe(
      "parley eval: graph no-such-graph: no graph 'no-such-graph' in graphs",
    );
    const broken = path.join(dir, 'broken-graph.json');
    await writeFile(
      broken,
      JSON.stringify({
        version: 2,
        name: 'x',
        nodes: [{ id: 'a', type: 'no.such.type', config: {} }],
        edges: [],
      }),
    );
    expect(await evalCommand(options({ graph: broken }))).toBe(EVAL_EXIT.badInput);
    expect(printed.pop()).toMatch(
      /^parley eval: .*broken-graph\.json is not a valid graph:\n {2}.*no\.such\.type/,
    );
  });

  it('lists a malformed scenario file with the field at fault, and exits 2', async () => {
    await writeFile(
      path.join(dir, 'bad.json'),
      JSON.stringify({
        scenarioVersion: 1,
        name: 'bad',
        turns: [{ say: 'hello', expect: { replyMatches: '(' } }],
      }),
    );
    expect(await evalCommand(options({}))).toBe(EVAL_EXIT.badInput);
    expect(printed[0]).toBe(
      `${path.join(dir, 'bad.json')} is not a valid Parley scenario:\n  turns.0.expect.replyMatches: not a valid regular expression`,
    );
  });

  it('fails a scenario that cannot run (a WAV that is no WAV), says why, and writes both reports (exit 1)', async () => {
    await writeFile(path.join(dir, 'noise.wav'), 'this is not audio');
    await writeFile(
      path.join(dir, 'wav-turn.json'),
      JSON.stringify({ scenarioVersion: 1, name: 'wav-turn', turns: [{ wav: 'noise.wav' }] }),
    );
    const json = path.join(dir, 'out', 'eval.json');
    const junit = path.join(dir, 'out', 'eval.xml');
    expect(await evalCommand(options({ json, junit }))).toBe(EVAL_EXIT.failed);
    const why = `${path.join(dir, 'wav-turn.json')} is not a valid Parley scenario:\n  turns.0.wav: noise.wav: not a WAV file (missing RIFF/WAVE header)`;
    expect(printed.join('\n')).toContain(`  ERROR wav-turn  could not run: ${why}`);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      passed: boolean;
      scenarios: Array<{ error?: string }>;
    };
    expect(report.passed).toBe(false);
    expect(report.scenarios[0].error).toBe(why);
    expect(await readFile(junit, 'utf8')).toContain('errors="1"');
  });
});
