import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../engine/recording/RecordingFormat.ts';
import { evaluateScenario } from '../../engine/scenarios/evaluateScenario.ts';
import { parseScenario } from '../../engine/scenarios/loadScenarios.ts';
import type { ScenarioRun } from '../../engine/scenarios/runScenario.ts';
import { syntheticRecording, turn } from '../recording/helpers/syntheticRecording.ts';

/**
 * Expectations judged on hand-made runs, so every way to fail is exercised
 * without audio: a weather question at 1 s (detected at 1.05 s) and a
 * "stop" barge-in at 4 s (detected at 4.1 s, the bot silent 180 ms later).
 */
function run(
  overrides: Partial<ScenarioRun> = {},
  events: RecordedEvent[] = WEATHER_EVENTS,
): ScenarioRun {
  const stop = { ...turn(2, 4100, 400), interruptionMs: 180 };
  return {
    recording: syntheticRecording([turn(1, 1050, 700), stop], events, 8),
    turnStarts: [1000, 4000],
    turnEnds: [2500, 4400],
    turnNotes: [[], []],
    replies: [
      {
        startMs: 2900,
        generated: 'Let me check the weather in Tokyo. In Tokyo it is 18 degrees.',
        played: ['Let me check'],
      },
      { startMs: 4800, generated: 'Okay.', played: ['Okay.'] },
    ],
    assistantMessages: ['Let me check', 'Okay.'],
    errors: [],
    mode: 'fast',
    ...overrides,
  };
}

const WEATHER_EVENTS: RecordedEvent[] = [
  { kind: 'transcript', atMs: 2850, text: 'what is the weather in tokyo' },
  {
    kind: 'tool.call',
    atMs: 2860,
    callId: 'c1',
    name: 'get_weather',
    arguments: '{"location":"Tokyo"}',
  },
  {
    kind: 'tool.result',
    atMs: 2861,
    callId: 'c1',
    name: 'get_weather',
    result: '{"temperature":18}',
    isError: false,
  },
  { kind: 'bot.text', atMs: 2900, text: 'Let me check the weather in Tokyo.' },
  { kind: 'transcript', atMs: 4700, text: 'stop' },
  { kind: 'bot.text', atMs: 4800, text: 'Okay.' },
];

function scenario(first: Record<string, unknown>, second: Record<string, unknown> = {}) {
  return {
    file: 'suite/s.json',
    scenario: parseScenario(
      JSON.stringify({
        scenarioVersion: 1,
        name: 's',
        turns: [
          { say: 'what is the weather in Tokyo', expect: first },
          { say: 'stop', afterBotStartsMs: 800, expect: second },
        ],
      }),
      'suite/s.json',
    ),
  };
}

describe('expectations on a run', () => {
  it('pass when the run did what they say', () => {
    const outcome = evaluateScenario(
      scenario(
        {
          heardMatches: 'weather.*tokyo',
          replyMatches: 'tokyo',
          toolCalled: { name: 'get_weather', arguments: { location: 'tokyo' } },
          voiceToVoiceMsBelow: 701,
        },
        { noTool: true, botStopsWithinMs: 180, assistantHoldsOnlyPlayed: true },
      ),
      run(),
    );
    expect(outcome.failures).toEqual([]);
    expect(outcome.passed).toBe(true);
    expect(outcome.turns[1].checks.at(-1)?.detail).toBe(
      'it holds "Let me check" of "Let me check the weather in Tokyo. In Tokyo it is 18 degrees."',
    );
  });

  it('fail with the scenario, the turn, the expectation and what happened', () => {
    const outcome = evaluateScenario(
      scenario(
        {
          heardMatches: 'paris',
          replyMatches: 'sunny',
          toolCalled: { name: 'get_weather', arguments: { location: 'Paris' } },
          noTool: true,
          voiceToVoiceMsBelow: 700,
        },
        { toolCalled: { name: 'book_table' }, botStopsWithinMs: 100 },
      ),
      run(),
    );
    expect(outcome.passed).toBe(false);
    expect(outcome.failures).toEqual([
      `s: turn 1 'what is the weather in Tokyo': expected to hear matching /paris/i, heard "what is the weather in tokyo"`,
      `s: turn 1 'what is the weather in Tokyo': expected a reply matching /sunny/i, said "Let me check the weather in Tokyo."`,
      `s: turn 1 'what is the weather in Tokyo': expected tool get_weather with {"location":"Paris"}, got get_weather({"location":"Tokyo"})`,
      `s: turn 1 'what is the weather in Tokyo': expected no tool call, got get_weather({"location":"Tokyo"})`,
      `s: turn 1 'what is the weather in Tokyo': expected voice-to-voice below 700 ms, voice-to-voice was 700 ms (vadEndOfSpeechMs 300, sttFinalMs 350, firstAudioOutMs 700)`,
      `s: turn 2 'stop': expected tool book_table, got no tool call (heard "stop", said "Okay.")`,
      `s: turn 2 'stop': expected the bot to stop within 100 ms of the barge-in, it stopped 180 ms after the user started`,
    ]);
  });

  it('fail when the conversation keeps more of a cut-off reply than was played', () => {
    const generated = 'Let me check the weather in Tokyo. In Tokyo it is 18 degrees.';
    const outcome = evaluateScenario(
      scenario({}, { assistantHoldsOnlyPlayed: true }),
      run({ assistantMessages: [generated, 'Okay.'] }),
    );
    expect(outcome.failures).toEqual([
      `s: turn 2 'stop': expected the assistant message to hold only what was played, it holds "${generated}", but the user heard "Let me check" of "${generated}"`,
    ]);
  });

  it("say when the graph did not hear a turn at all, and carry the run's notes", () => {
    const unheard = run({
      turnNotes: [
        [],
        ['the bot did not start replying within 15000 ms, so there was nothing to barge in on'],
      ],
    });
    unheard.recording.meta.turns = [unheard.recording.meta.turns[0]];
    const outcome = evaluateScenario(
      scenario({}, { heardMatches: 'stop', botStopsWithinMs: 500 }),
      unheard,
    );
    expect(outcome.turns[1].facts.heardAs).toBe(0);
    expect(outcome.failures).toEqual([
      `s: turn 2 'stop': expected to hear matching /stop/i, the graph did not hear this turn (no user speech detected)`,
      `s: turn 2 'stop': expected the bot to stop within 500 ms of the barge-in, the graph did not hear this turn (no user speech detected)`,
    ]);
    expect(outcome.turns[1].notes).toEqual([
      'the bot did not start replying within 15000 ms, so there was nothing to barge in on',
    ]);
  });

  it('notes a tool call the scenario had no scripted answer for', () => {
    const events = WEATHER_EVENTS.map((e) =>
      e.kind === 'tool.result'
        ? {
            ...e,
            result:
              '{"error":"the scenario has no answer for get_weather({\\"location\\":\\"Tokyo\\"})"}',
            isError: true,
          }
        : e,
    );
    const outcome = evaluateScenario(scenario({}), run({}, events));
    expect(outcome.turns[0].notes).toEqual([
      'get_weather({"location":"Tokyo"}) had no scripted answer (see "tools")',
    ]);
  });
});
