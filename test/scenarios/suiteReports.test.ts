import { describe, expect, it } from 'vitest';
import { renderSuiteText } from '../../engine/scenarios/renderSuiteText.ts';
import type { SuiteReport, TimedOutcome } from '../../engine/scenarios/runScenarioSuite.ts';
import { suiteReportJson } from '../../engine/scenarios/suiteReportJson.ts';
import { suiteReportJunit } from '../../engine/scenarios/suiteReportJunit.ts';

const FAILURE = `weather: turn 2 'and in <Paris> & "Rome"?': expected tool get_weather with {"location":"Paris"}, got no tool call`;

function outcome(passed: boolean, durationMs: number): TimedOutcome {
  return {
    name: 'weather',
    file: 'suite/weather.json',
    passed,
    failures: passed ? [] : [FAILURE],
    errors: passed ? [] : ['stt: decoder\u0007 crashed'],
    durationMs,
    turns: [
      {
        turn: 2,
        text: 'and in <Paris> & "Rome"?',
        facts: { heardAs: 1, heard: 'and in paris', said: 'Which city?', tools: [] },
        checks: [],
        notes: passed
          ? []
          : ['the bot did not answer the previous turn within 15000 ms; this turn began anyway'],
      },
    ],
  };
}

/** Two scenarios: one passing 2 of 3 runs, one that could not run. */
const report: SuiteReport = {
  graph: 'voice-agent',
  repeat: 3,
  passed: false,
  durationMs: 12_345,
  scenarios: [
    {
      name: 'weather',
      file: 'suite/weather.json',
      graph: 'voice-agent',
      mode: 'fast',
      runs: [outcome(true, 1000), outcome(false, 1500), outcome(true, 1250)],
      passedRuns: 2,
      passRate: 2 / 3,
    },
    {
      name: 'broken-wav',
      file: 'suite/broken-wav.json',
      graph: 'voice-agent',
      mode: 'fast',
      runs: [],
      passedRuns: 0,
      passRate: 0,
      error: 'suite/broken-wav.json: turns.0.wav: not a WAV file',
    },
  ],
};

describe('the text report', () => {
  it('gives a line per scenario with its pass rate, and the failures, notes and errors under it', () => {
    expect(renderSuiteText(report).split('\n')).toEqual([
      '  FAIL  weather     2/3 (67%)  voice-agent, virtual clock',
      `        ${FAILURE}`,
      '        note, turn 2: the bot did not answer the previous turn within 15000 ms; this turn began anyway',
      '        graph error: stt: decoder\u0007 crashed',
      '  ERROR broken-wav  could not run: suite/broken-wav.json: turns.0.wav: not a WAV file',
      '0 of 2 scenarios passed every run; 2/3 runs passed (67%) in 12.3 s',
    ]);
  });

  it('counts a failure that repeats across runs once, with how many runs had it', () => {
    const twice = structuredClone(report);
    twice.scenarios[0].runs[0] = outcome(false, 900);
    expect(renderSuiteText(twice)).toContain(`${FAILURE}  (2 runs)`);
  });
});

describe('the JSON report', () => {
  it('is the whole report, tagged with its format and version', () => {
    const parsed = JSON.parse(suiteReportJson(report)) as Record<string, unknown>;
    expect(parsed.format).toBe('parley-eval');
    expect(parsed.version).toBe(1);
    expect(parsed).toMatchObject({ graph: 'voice-agent', repeat: 3, passed: false });
    expect(parsed.scenarios).toEqual(JSON.parse(JSON.stringify(report.scenarios)));
  });
});

describe('the JUnit XML report', () => {
  const xml = suiteReportJunit(report);

  it('counts tests, failures and errors at the top', () => {
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="parley eval" tests="4" failures="1" errors="1" time="12.345">',
      ),
    ).toBe(true);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('has one testsuite per scenario and one testcase per run, with times in seconds', () => {
    expect(xml).toContain(
      '<testsuite name="weather" file="suite/weather.json" tests="3" failures="1" errors="0" time="3.750">',
    );
    expect(
      xml.match(/<testcase classname="voice-agent\.weather" name="weather run \d"/g),
    ).toHaveLength(3);
    expect(xml).toContain(
      '<testcase classname="voice-agent.weather" name="weather run 1" time="1.000"/>',
    );
  });

  it('escapes the failure for XML and drops characters XML cannot carry', () => {
    expect(xml).toContain(
      `<failure message="weather: turn 2 'and in &lt;Paris&gt; &amp; &quot;Rome&quot;?': expected tool get_weather with {&quot;location&quot;:&quot;Paris&quot;}, got no tool call" type="ExpectationFailed">`,
    );
    expect(xml).toContain('graph error: stt: decoder crashed</failure>');
    expect(xml).not.toContain('\u0007');
  });

  it('reports a scenario that could not run as an error', () => {
    expect(xml).toContain(
      '<error message="suite/broken-wav.json: turns.0.wav: not a WAV file" type="ScenarioError"/>',
    );
  });
});
