import {
  type ConversationTurn,
  conversationTurns,
  type Recording,
  type Scenario,
  type ScenarioExpectations,
  type ScenarioTurn,
  type ScriptedTool,
} from '#engine';

/** A scenario made from a recorded conversation, with the user's audio of each turn. */
export interface RecordedScenario {
  scenario: Scenario;
  /** One WAV per turn, paths relative to the scenario file (as its turns name them). */
  wavs: Array<{ file: string; samples: Int16Array; sampleRate: number }>;
}

/** Audio kept before the VAD's onset: its decision lags the first sound, and the padding is part of what it heard. */
const LEAD_MS = 500;
/** Audio kept after the recorded end of speech: the tail the VAD's stop delay listened to. */
const TAIL_MS = 400;

/**
 * Turns a recorded conversation into a scenario: each user turn that was
 * heard becomes a `wav` turn cut from the user track, with expectations drawn
 * from what happened (the reply matches its opening words, the tools called
 * with their arguments, voice-to-voice a little above what was measured) and
 * the recorded tool results as scripted answers, so it runs offline. Turns
 * take the scenario's reactive timing (after the bot answered, or a barge-in
 * that long after the bot started) rather than the recorded clock times: a
 * changed graph answers at other moments, and a fixed timeline would then
 * talk over replies that were never interrupted.
 */
export function scenarioFromRecording(recording: Recording, name: string): RecordedScenario {
  const { meta } = recording;
  const records = [...meta.turns].sort((a, b) => a.turn - b.turn);
  const heard = conversationTurns(meta)
    .filter((t) => t.turn > 0)
    .map((turn, i) => ({ turn, record: records[i] }))
    .filter(({ turn }) => turn.heard.trim() !== '' && turn.startMs !== undefined);
  if (heard.length === 0)
    throw new Error('the session has no user turn that was heard: nothing to make a scenario of');
  const user = recording.user;
  const msToSample = (ms: number) =>
    Math.max(0, Math.min(user.samples.length, Math.round((ms / 1000) * user.sampleRate)));
  const turns: ScenarioTurn[] = [];
  const wavs: RecordedScenario['wavs'] = [];
  let previousCutEnd = 0;
  heard.forEach(({ turn, record }, i) => {
    const start = turn.startMs ?? 0;
    const next = heard[i + 1]?.turn.startMs;
    const end = record?.userSpeechEndAt ?? start;
    const cutStart = Math.max(previousCutEnd, start - LEAD_MS);
    const cutEnd = Math.min(end + TAIL_MS, next === undefined ? Infinity : next - LEAD_MS);
    previousCutEnd = Math.max(cutStart, cutEnd);
    const file = `${name}/turn-${i + 1}.wav`;
    wavs.push({
      file,
      samples: user.samples.slice(msToSample(cutStart), msToSample(Math.max(cutStart, cutEnd))),
      sampleRate: user.sampleRate,
    });
    const previous = heard[i - 1]?.turn;
    const bargeIn = bargeInOffset(previous, heard[i - 1]?.record?.userSpeechEndAt, cutStart);
    turns.push({
      wav: file,
      ...(bargeIn === undefined ? {} : { afterBotStartsMs: bargeIn }),
      expect: expectationsFor(turn, bargeIn !== undefined),
    });
  });
  return {
    scenario: {
      scenarioVersion: 1,
      name,
      description: `Saved from a Talk session with ${meta.graph.name}@${meta.graph.revision.slice(0, 12)} on ${meta.createdAt}. The expectations were drawn from what happened: edit them to what must hold.`,
      voice: 'kal16',
      tools: scriptedTools(heard.map((h) => h.turn)),
      replyTimeoutMs: 15_000,
      turns,
    },
    wavs,
  };
}

/** This turn cut the previous reply short: it barges in this long after that reply started. */
function bargeInOffset(
  previous: ConversationTurn | undefined,
  previousSpeechEnd: number | undefined,
  cutStart: number,
): number | undefined {
  if (!previous?.interrupted || previous.voiceToVoiceMs === undefined) return undefined;
  if (previousSpeechEnd === undefined) return undefined;
  const botStarted = previousSpeechEnd + previous.voiceToVoiceMs;
  return Math.max(0, Math.round(cutStart - botStarted));
}

function expectationsFor(turn: ConversationTurn, bargeIn: boolean): ScenarioExpectations {
  const expect: ScenarioExpectations = {};
  const reply = replyPattern(turn.said);
  if (reply) expect.replyMatches = reply;
  const call = turn.tools[0];
  if (call) expect.toolCalled = { name: call.name, arguments: parseArguments(call.arguments) };
  else if (turn.said.trim()) expect.noTool = true;
  if (turn.voiceToVoiceMs !== undefined)
    expect.voiceToVoiceMsBelow = roundUp(turn.voiceToVoiceMs * 1.25 + 250);
  if (bargeIn && turn.interruptionMs !== undefined)
    expect.botStopsWithinMs = roundUp(turn.interruptionMs * 1.5 + 250);
  return expect;
}

/** The reply's opening words, punctuation and spacing free: robust to how a sentence is cut, strict on meaning. */
export function replyPattern(said: string): string | undefined {
  const words = said
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}']/gu, ''))
    .filter(Boolean)
    .slice(0, 6);
  if (words.length === 0) return undefined;
  return words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\W+');
}

function scriptedTools(turns: ConversationTurn[]): ScriptedTool[] {
  const seen = new Set<string>();
  const tools: ScriptedTool[] = [];
  for (const call of turns.flatMap((t) => t.tools)) {
    if (call.result === undefined || call.notInRecording) continue;
    const key = `${call.name}(${call.arguments})`;
    if (seen.has(key)) continue;
    seen.add(key);
    const base = { name: call.name, arguments: parseArguments(call.arguments) };
    tools.push(
      call.isError
        ? { ...base, error: call.result || 'error' }
        : { ...base, result: parseResult(call.result) },
    );
  }
  return tools;
}

function parseArguments(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** A tool's result as the model read it: JSON when it is JSON, else the text itself. */
function parseResult(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function roundUp(ms: number): number {
  return Math.ceil(ms / 100) * 100;
}
