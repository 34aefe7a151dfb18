import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { loadScenarios } from '../../engine/scenarios/loadScenarios.ts';
import { runScenarioSuite } from '../../engine/scenarios/runScenarioSuite.ts';

/**
 * The starter suite (scenarios/default-agent) against the offline default
 * agent, through the programmatic API, so `npm test` runs it. The graph is
 * local, so it runs on the virtual clock: what pocketsphinx hears and every
 * timing is the same on a quiet or a loaded machine (docs/recording.md,
 * "fast"); only the wall time varies. About 15 s here; the timeout allows a
 * loaded 2-core machine eight times that.
 */
describe('the starter scenario suite against graphs/voice-agent.json', () => {
  it('passes every scenario: weather with a tool call, a joke, a barge-in, a follow-up', async () => {
    const suite = await loadScenarios('scenarios/default-agent');
    expect(suite.problems.map((p) => p.message)).toEqual([]);
    expect(suite.scenarios.map((s) => s.scenario.name).sort()).toEqual([
      'barge-in',
      'follow-up',
      'joke',
      'weather-tokyo',
    ]);
    const graph = JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8')) as unknown;
    const report = await runScenarioSuite(suite.scenarios, {
      graph: { document: graph, name: 'voice-agent' },
      registry: createDefaultRegistry(),
    });
    const problems = report.scenarios.flatMap((s) => [
      ...(s.error ? [`${s.name}: could not run: ${s.error}`] : []),
      ...s.runs.flatMap((r) => r.failures),
    ]);
    expect(problems).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.scenarios.every((s) => s.mode === 'fast')).toBe(true);

    // The barge-in really cut the reply short, and what the user heard of it is what was kept.
    const bargeIn = report.scenarios.find((s) => s.name === 'barge-in')!.runs[0];
    const stop = bargeIn.turns[1];
    expect(stop.facts.interruptionMs).toBeGreaterThan(0);
    const kept = stop.checks.find((c) => c.expectation.includes('only what was played'));
    expect(kept?.detail).toMatch(/^it holds "(.+)" of "(.+)"$/);
    const [, heard, generated] = /^it holds "(.+)" of "(.+)"$/.exec(kept!.detail)!;
    expect(generated.startsWith(heard)).toBe(true);
    expect(heard.length).toBeLessThan(generated.length);
  }, 120_000);
});
