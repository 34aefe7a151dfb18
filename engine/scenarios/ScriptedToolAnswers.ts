import { canonicalJson, type ToolAnswers } from '../recording/replayedTools.ts';
import { matchesPartially } from './partialMatch.ts';
import type { ScriptedTool } from './ScenarioFormat.ts';

/** Starts the error a scripted tool gives for a call the scenario has no answer for. */
export const NOT_IN_SCENARIO = 'the scenario has no answer for';

/**
 * A scenario's tool answers, handed out like a recording's
 * (`withRecordedTools` wraps every tool node with them): the first scripted
 * entry whose name matches and whose arguments are a part of the call's
 * answers. Any other call gets an error result naming it, so a run never
 * reaches a live API and is the same every time.
 */
export class ScriptedToolAnswers implements ToolAnswers {
  constructor(private readonly script: readonly ScriptedTool[]) {}

  answer(name: string, args: unknown): string {
    const entry = this.script.find(
      (tool) => tool.name === name && matchesPartially(tool.arguments ?? {}, args),
    );
    if (!entry) throw new Error(`${NOT_IN_SCENARIO} ${name}(${canonicalJson(args)})`);
    if (entry.error !== undefined) throw new Error(entry.error);
    return typeof entry.result === 'string' ? entry.result : JSON.stringify(entry.result);
  }
}
