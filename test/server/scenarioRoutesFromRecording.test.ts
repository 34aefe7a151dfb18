/**
 * How "Save as scenario" turns a recorded conversation into a scenario: the
 * user's turns cut from the user track, reactive timing (a barge-in stays a
 * barge-in), expectations drawn from what happened, tool results scripted,
 * and the result valid in the scenario format.
 */
import { describe, expect, it } from 'vitest';
import type { Recording } from '../../engine/recording/RecordingFormat.ts';
import { scenarioSchema } from '../../engine/scenarios/ScenarioFormat.ts';
import {
  replyPattern,
  scenarioFromRecording,
} from '../../server/scenarios/scenarioFromRecording.ts';

const RATE = 16000;

function recording(): Recording {
  const samples = new Int16Array(RATE * 12);
  for (let i = 0; i < samples.length; i++) samples[i] = i % 1000;
  const turn = (n: number, start: number, end: number, extra: Record<string, unknown>) => ({
    turn: n,
    userSpeechStartAt: start,
    userSpeechEndAt: end,
    hops: {},
    nodes: {},
    ttfbMs: {},
    tools: [],
    interrupted: false,
    ...extra,
  });
  return {
    meta: {
      formatVersion: 1,
      id: 'talk-s1',
      createdAt: '2026-12-04T20:00:00.000Z',
      durationMs: 12000,
      session: { id: 's1', transport: 'pipecat-webrtc' },
      graph: { name: 'voice-agent', revision: 'abcdef0123456789', document: {} },
      audio: {
        user: { file: 'user.wav', sampleRate: RATE, durationMs: 12000 },
        bot: { file: 'bot.wav', sampleRate: RATE, durationMs: 12000 },
        truncated: false,
      },
      turns: [
        turn(1, 1000, 2500, { voiceToVoiceMs: 800, interrupted: true }),
        turn(2, 4000, 4600, { voiceToVoiceMs: 500, interruptionMs: 180 }),
        // A cough the recogniser heard nothing in: not a scenario turn.
        turn(3, 9000, 9200, {}),
      ],
      events: [
        { kind: 'transcript', atMs: 2600, text: 'what is the weather in tokyo' },
        {
          kind: 'tool.call',
          atMs: 2700,
          callId: 'c1',
          name: 'get_weather',
          arguments: '{"location":"Tokyo"}',
        },
        {
          kind: 'tool.result',
          atMs: 2750,
          callId: 'c1',
          name: 'get_weather',
          result: '{"temperature":18}',
          isError: false,
        },
        { kind: 'bot.text', atMs: 3300, text: 'In Tokyo, it is 18 degrees (partly cloudy) today.' },
        { kind: 'interrupt', atMs: 4100, reason: 'user' },
        { kind: 'transcript', atMs: 4700, text: 'stop' },
        { kind: 'bot.text', atMs: 5100, text: 'Okay.' },
      ],
      notes: [],
    } as unknown as Recording['meta'],
    user: { samples, sampleRate: RATE },
    bot: { samples: new Int16Array(RATE * 12), sampleRate: RATE },
  };
}

describe('scenarioFromRecording', () => {
  const made = scenarioFromRecording(recording(), 'tokyo');

  it('makes a wav turn per heard user turn, cut with a lead and a tail, not overlapping', () => {
    expect(made.scenario.turns.map((t) => t.wav)).toEqual(['tokyo/turn-1.wav', 'tokyo/turn-2.wav']);
    // Turn 1: 500 ms before the onset to 400 ms after the end; turn 2 starts where it may.
    expect(made.wavs[0].samples.length).toBe(((2500 + 400 - 500) / 1000) * RATE);
    expect(made.wavs[0].samples[0]).toBe((500 * 16) % 1000);
    expect(made.wavs[1].samples.length).toBe(((4600 + 400 - 3500) / 1000) * RATE);
  });

  it('keeps a barge-in a barge-in: that long after the reply it cut started', () => {
    const [first, second] = made.scenario.turns;
    expect(first.afterBotStartsMs).toBeUndefined();
    // Reply 1 started at 2500 + 800 = 3300; turn 2's audio starts at 3500.
    expect(second.afterBotStartsMs).toBe(200);
    expect(second.expect.botStopsWithinMs).toBe(600);
  });

  it('draws the expectations from what happened, and scripts the tool answers', () => {
    const [first, second] = made.scenario.turns;
    expect(first.expect).toEqual({
      replyMatches: 'In\\W+Tokyo\\W+it\\W+is\\W+18\\W+degrees',
      toolCalled: { name: 'get_weather', arguments: { location: 'Tokyo' } },
      voiceToVoiceMsBelow: 1300,
    });
    expect(second.expect).toMatchObject({
      replyMatches: 'Okay',
      noTool: true,
      voiceToVoiceMsBelow: 900,
    });
    expect(made.scenario.tools).toEqual([
      { name: 'get_weather', arguments: { location: 'Tokyo' }, result: { temperature: 18 } },
    ]);
    expect(
      new RegExp(first.expect.replyMatches as string, 'i').test('in tokyo it is 18 degrees'),
    ).toBe(true);
  });

  it('is a valid scenario', () => {
    const parsed = scenarioSchema.safeParse(JSON.parse(JSON.stringify(made.scenario)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('refuses a session in which nothing was heard', () => {
    const silent = recording();
    silent.meta.events = [];
    expect(() => scenarioFromRecording(silent, 'x')).toThrow('no user turn that was heard');
  });

  it('escapes what would be regular-expression syntax in a reply', () => {
    expect(replyPattern('It costs $5 (plus tax)?')).toBe('It\\W+costs\\W+5\\W+plus\\W+tax');
    expect(replyPattern('  ')).toBeUndefined();
  });
});
