import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { loadScenarios } from '../../engine/scenarios/loadScenarios.ts';
import { runScenarioSuite } from '../../engine/scenarios/runScenarioSuite.ts';

/**
 * A scenario that cannot pass: it expects the default agent to call a
 * `book_table` tool, which it does not have (it answers booking requests
 * with its fallback). The runner must fail it with a message that names the
 * scenario, the turn, the expectation and what happened instead.
 */
describe('a scenario that must fail', () => {
  it('fails, naming the turn and the expectation; its passing expectations are not failures', async () => {
    const suite = await loadScenarios('test/scenarios/fixtures/must-fail');
    expect(suite.problems).toEqual([]);
    const graph = JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8')) as unknown;
    const report = await runScenarioSuite(suite.scenarios, {
      graph: { document: graph, name: 'voice-agent' },
      registry: createDefaultRegistry(),
    });
    expect(report.passed).toBe(false);
    const [result] = report.scenarios;
    expect(result.error).toBeUndefined();
    expect(result.passedRuns).toBe(0);
    expect(result.passRate).toBe(0);
    const [run] = result.runs;
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatch(
      /^book-table: turn 1 'book a table for two': expected tool book_table with \{"people":2\}, got no tool call \(heard ".*", said ".+"\)$/,
    );
    // The same turn's `noTool` held: only the failed expectation is reported.
    expect(run.turns[0].checks.map((c) => [c.expectation, c.passed])).toEqual([
      ['tool book_table with {"people":2}', false],
      ['no tool call', true],
    ]);
  }, 60_000);
});
