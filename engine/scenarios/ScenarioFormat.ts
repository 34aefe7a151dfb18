import { z } from 'zod';

/**
 * The scenario file format, version 1 (docs/scenarios.md): a conversation to
 * test against a graph. User turns are WAV files or text spoken by a local
 * Flite voice, each with its timing, and with expectations about what the
 * graph must do in reply. The schema is the validation: a file that does not
 * parse is refused with the JSON path of each bad field.
 */
export const SCENARIO_FORMAT_VERSION = 1;

export const SCENARIO_LIMITS = {
  maxTurns: 100,
  maxTools: 200,
  maxTextChars: 2000,
  /** Any time in a scenario: 10 minutes. */
  maxMs: 10 * 60 * 1000,
  /** A scenario file itself, before parsing. */
  maxJsonBytes: 1024 * 1024,
} as const;

/** Flite voices compiled into Parley's build (engine/providers/flite). */
export const SCENARIO_VOICES = ['kal', 'kal16', 'slt', 'rms', 'awb'] as const;

const ms = z.number().finite().min(0).max(SCENARIO_LIMITS.maxMs);
const text = z.string().min(1).max(SCENARIO_LIMITS.maxTextChars);

/** A regular expression, matched without case; a broken one is a format error, not a crash later. */
const pattern = text.refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** Partial arguments: every key given must be in the call with an equal value (strings without case). */
const partialArguments = z.record(z.string(), z.unknown());

const expectations = z.strictObject({
  /** What the recogniser heard of this turn matches. */
  heardMatches: pattern.optional(),
  /** The bot's reply to this turn (text handed to TTS) matches. */
  replyMatches: pattern.optional(),
  /** A tool was called during this turn, with at least these arguments. */
  toolCalled: z.strictObject({ name: text, arguments: partialArguments.optional() }).optional(),
  /** No tool was called during this turn. */
  noTool: z.literal(true).optional(),
  /** First bot audio out − end of the user's speech, below this. */
  voiceToVoiceMsBelow: ms.positive().optional(),
  /** A barge-in turn: the bot's last audio out − the start of this turn's speech, at most this. */
  botStopsWithinMs: ms.positive().optional(),
  /** A barge-in turn: the reply it cut off is in the conversation only as far as it was played. */
  assistantHoldsOnlyPlayed: z.literal(true).optional(),
});

export const scenarioTurnSchema = z
  .strictObject({
    /** Text spoken by a Flite voice. */
    say: text.optional(),
    /** A WAV file (PCM16, any rate, mono or stereo), relative to the scenario file. */
    wav: text.optional(),
    /** Flite voice for `say`; default: the scenario's `voice`. */
    voice: z.enum(SCENARIO_VOICES).optional(),
    /** Start at this time on the conversation's timeline (ms from its start). */
    atMs: ms.optional(),
    /** Barge in: start this long after the bot started replying to the previous turn. */
    afterBotStartsMs: ms.optional(),
    /** Default timing: start once the bot has answered the previous turn and been quiet this long. */
    pauseMs: ms.optional(),
    expect: expectations.default({}),
  })
  .superRefine((turn, ctx) => {
    if ((turn.say === undefined) === (turn.wav === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "say" and "wav"' });
    const timings = [turn.atMs, turn.afterBotStartsMs, turn.pauseMs].filter((t) => t !== undefined);
    if (timings.length > 1)
      ctx.addIssue({
        code: 'custom',
        message: 'give at most one of "atMs", "afterBotStartsMs" and "pauseMs"',
      });
    if (turn.voice !== undefined && turn.wav !== undefined)
      ctx.addIssue({ code: 'custom', path: ['voice'], message: '"voice" is for "say" turns' });
  });

/** A scripted answer for a tool call; the first entry whose name and arguments match answers. */
export const scriptedToolSchema = z
  .strictObject({
    name: text,
    /** Partial arguments this answer is for; omitted: any call of `name`. */
    arguments: partialArguments.optional(),
    /** What the tool returns (JSON); or give `error` to make it fail with that message. */
    result: z.unknown().optional(),
    error: text.optional(),
  })
  .refine((tool) => (tool.result === undefined) !== (tool.error === undefined), {
    message: 'give exactly one of "result" and "error"',
  });

export const scenarioSchema = z
  .strictObject({
    scenarioVersion: z.literal(SCENARIO_FORMAT_VERSION),
    name: z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, _ . - only (1–100)'),
    description: z.string().max(SCENARIO_LIMITS.maxTextChars).optional(),
    /** Run against this graph instead of the suite's (a graph file relative to this file, or a store name). */
    graph: text.optional(),
    /** Flite voice for `say` turns. Default kal16, which pocketsphinx hears best. */
    voice: z.enum(SCENARIO_VOICES).default('kal16'),
    /** Tool answers, so a run is offline and deterministic. A call none matches gets an error result. */
    tools: z.array(scriptedToolSchema).max(SCENARIO_LIMITS.maxTools).default([]),
    /** How long the bot may take to answer a turn before the scenario moves on. Default 15 s. */
    replyTimeoutMs: ms.positive().default(15_000),
    turns: z.array(scenarioTurnSchema).min(1).max(SCENARIO_LIMITS.maxTurns),
  })
  .superRefine((scenario, ctx) => {
    scenario.turns.forEach((turn, i) => {
      const bargeIn = turn.afterBotStartsMs !== undefined;
      if (i === 0 && bargeIn)
        ctx.addIssue({
          code: 'custom',
          path: ['turns', 0, 'afterBotStartsMs'],
          message: 'the first turn has no reply to barge in on',
        });
      for (const key of ['botStopsWithinMs', 'assistantHoldsOnlyPlayed'] as const)
        if (turn.expect[key] !== undefined && !bargeIn)
          ctx.addIssue({
            code: 'custom',
            path: ['turns', i, 'expect', key],
            message: 'only for a barge-in turn (one with "afterBotStartsMs")',
          });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioTurn = z.infer<typeof scenarioTurnSchema>;
export type ScenarioExpectations = ScenarioTurn['expect'];
export type ScriptedTool = z.infer<typeof scriptedToolSchema>;

/** A scenario as loaded: where it came from, so errors and WAV paths can refer to the file. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}
