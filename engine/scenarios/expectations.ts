import { canonicalJson } from '../recording/replayedTools.ts';
import { matchesPartially } from './partialMatch.ts';
import type { ScenarioRun } from './runScenario.ts';
import type { ScenarioExpectations } from './ScenarioFormat.ts';
import type { ScenarioTurnFacts } from './scenarioTurnFacts.ts';

/** One expectation of one turn, judged: what was expected, and what happened. */
export interface ExpectationCheck {
  /** e.g. `tool get_weather with {"location":"Tokyo"}`. */
  expectation: string;
  passed: boolean;
  /** What happened, in words: `got no tool call`. */
  detail: string;
}

export interface TurnEvidence {
  facts: ScenarioTurnFacts;
  run: ScenarioRun;
  /** 0-based scenario turn. */
  index: number;
}

/** Judges every expectation a turn declares, in the order the format lists them. */
export function checkExpectations(
  expect: ScenarioExpectations,
  evidence: TurnEvidence,
): ExpectationCheck[] {
  const { facts } = evidence;
  const checks: ExpectationCheck[] = [];
  if (expect.heardMatches !== undefined)
    checks.push(textMatches('heard', expect.heardMatches, facts.heard, facts));
  if (expect.replyMatches !== undefined)
    checks.push(textMatches('reply', expect.replyMatches, facts.said, facts));
  if (expect.toolCalled !== undefined) checks.push(toolCalled(expect.toolCalled, facts));
  if (expect.noTool) checks.push(noTool(facts));
  if (expect.voiceToVoiceMsBelow !== undefined)
    checks.push(voiceToVoiceBelow(expect.voiceToVoiceMsBelow, facts));
  if (expect.botStopsWithinMs !== undefined)
    checks.push(botStopsWithin(expect.botStopsWithinMs, facts));
  if (expect.assistantHoldsOnlyPlayed) checks.push(assistantHoldsOnlyPlayed(evidence));
  return checks;
}

function textMatches(
  what: 'heard' | 'reply',
  source: string,
  text: string,
  facts: ScenarioTurnFacts,
): ExpectationCheck {
  const passed = new RegExp(source, 'i').test(text);
  const expectation = `${what === 'heard' ? 'to hear' : 'a reply'} matching /${source}/i`;
  if (text)
    return { expectation, passed, detail: `${what === 'heard' ? 'heard' : 'said'} "${text}"` };
  return {
    expectation,
    passed,
    detail: what === 'heard' ? unheard(facts) : 'the bot said nothing',
  };
}

function toolCalled(
  expected: NonNullable<ScenarioExpectations['toolCalled']>,
  facts: ScenarioTurnFacts,
): ExpectationCheck {
  const args = expected.arguments;
  const expectation = `tool ${expected.name}${args ? ` with ${canonicalJson(args)}` : ''}`;
  const passed = facts.tools.some(
    (call) =>
      call.name === expected.name && matchesPartially(args ?? {}, parseArguments(call.arguments)),
  );
  return { expectation, passed, detail: describeCalls(facts) };
}

function noTool(facts: ScenarioTurnFacts): ExpectationCheck {
  return {
    expectation: 'no tool call',
    passed: facts.tools.length === 0,
    detail: describeCalls(facts),
  };
}

function voiceToVoiceBelow(budgetMs: number, facts: ScenarioTurnFacts): ExpectationCheck {
  const expectation = `voice-to-voice below ${budgetMs} ms`;
  const ms = facts.voiceToVoiceMs;
  if (ms === undefined)
    return {
      expectation,
      passed: false,
      detail: facts.heardAs === 0 ? unheard(facts) : 'the bot did not answer with audio',
    };
  const hops = Object.entries(facts.hops ?? {}).map(([hop, at]) => `${hop} ${at}`);
  const where = ms >= budgetMs && hops.length > 0 ? ` (${hops.join(', ')})` : '';
  return { expectation, passed: ms < budgetMs, detail: `voice-to-voice was ${ms} ms${where}` };
}

function botStopsWithin(budgetMs: number, facts: ScenarioTurnFacts): ExpectationCheck {
  const expectation = `the bot to stop within ${budgetMs} ms of the barge-in`;
  const ms = facts.interruptionMs;
  if (ms === undefined)
    return {
      expectation,
      passed: false,
      detail:
        facts.heardAs === 0
          ? unheard(facts)
          : 'the bot was not interrupted (it was not speaking, or talked on)',
    };
  return {
    expectation,
    passed: ms <= budgetMs,
    detail: `it stopped ${ms} ms after the user started`,
  };
}

/**
 * The reply this turn cut off must be in the conversation as far as it was
 * played and no further: the next answer is built on what the user heard.
 * Messages are matched to replies in order; a reply nobody heard any of has
 * no message.
 */
function assistantHoldsOnlyPlayed({ run, index }: TurnEvidence): ExpectationCheck {
  const expectation = 'the assistant message to hold only what was played';
  const start = run.turnStarts[index];
  const cut = run.replies.filter((r) => start !== undefined && r.startMs < start).at(-1);
  if (!cut) return { expectation, passed: false, detail: 'there was no reply to cut off' };
  const heard = run.replies.filter((r) => r.played.length > 0);
  const played = normalize(cut.played.join(' '));
  if (!played) {
    const kept = run.assistantMessages.some((m) => normalize(m) === normalize(cut.generated));
    return {
      expectation,
      passed: !kept,
      detail: kept
        ? `nothing was played, yet the conversation holds "${cut.generated}"`
        : 'nothing was played, and the conversation holds nothing of it',
    };
  }
  const message = run.assistantMessages[heard.indexOf(cut)];
  const passed = message !== undefined && normalize(message) === played;
  const of = `of "${normalize(cut.generated)}"`;
  return {
    expectation,
    passed,
    detail: passed
      ? `it holds "${played}" ${of}`
      : `it holds ${message === undefined ? 'no message for it' : `"${normalize(message)}"`}, but the user heard "${played}" ${of}`,
  };
}

function describeCalls(facts: ScenarioTurnFacts): string {
  if (facts.tools.length === 0)
    return facts.heardAs === 0
      ? unheard(facts)
      : `got no tool call (heard "${facts.heard}", said "${facts.said}")`;
  return `got ${facts.tools.map((c) => `${c.name}(${c.arguments})`).join(', ')}`;
}

function unheard(facts: ScenarioTurnFacts): string {
  return facts.heardAs === 0
    ? 'the graph did not hear this turn (no user speech detected)'
    : 'heard nothing';
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
