import { checkExpectations, type ExpectationCheck } from './expectations.ts';
import type { ScenarioRun } from './runScenario.ts';
import type { LoadedScenario, ScenarioTurn } from './ScenarioFormat.ts';
import { NOT_IN_SCENARIO } from './ScriptedToolAnswers.ts';
import { type ScenarioTurnFacts, scenarioTurnFacts } from './scenarioTurnFacts.ts';

/** One scenario turn after a run: what happened and how its expectations fared. */
export interface TurnOutcome {
  /** 1-based, as failure messages count. */
  turn: number;
  /** The `say` text, or the WAV file. */
  text: string;
  facts: ScenarioTurnFacts;
  checks: ExpectationCheck[];
  /** Where the run did not go as the scenario planned (a barge-in with nothing to cut, a tool with no scripted answer). */
  notes: string[];
}

/** One run of one scenario, judged. */
export interface ScenarioOutcome {
  name: string;
  file: string;
  passed: boolean;
  turns: TurnOutcome[];
  /** One line per failed expectation, naming the scenario, the turn, the expectation and what happened. */
  failures: string[];
  /** Errors the graph reported. */
  errors: string[];
}

/** Judges a run against its scenario's expectations, turn by turn. */
export function evaluateScenario(loaded: LoadedScenario, run: ScenarioRun): ScenarioOutcome {
  const { scenario } = loaded;
  const facts = scenarioTurnFacts(run);
  const turns = scenario.turns.map((turn, index): TurnOutcome => {
    const turnFacts = facts[index];
    const notes = [...run.turnNotes[index]];
    if (run.turnStarts[index] === undefined) notes.push('this turn was never spoken');
    for (const call of turnFacts.tools)
      if (call.result?.includes(NOT_IN_SCENARIO))
        notes.push(`${call.name}(${call.arguments}) had no scripted answer (see "tools")`);
    return {
      turn: index + 1,
      text: turnText(turn),
      facts: turnFacts,
      checks: checkExpectations(turn.expect, { facts: turnFacts, run, index }),
      notes,
    };
  });
  const failures = turns.flatMap((t) =>
    t.checks
      .filter((c) => !c.passed)
      .map(
        (c) =>
          `${scenario.name}: turn ${t.turn} '${t.text}': expected ${c.expectation}, ${c.detail}`,
      ),
  );
  return {
    name: scenario.name,
    file: loaded.file,
    passed: failures.length === 0,
    turns,
    failures,
    errors: run.errors,
  };
}

function turnText(turn: ScenarioTurn): string {
  return turn.say ?? turn.wav ?? '';
}
