import { describe, expect, it } from 'vitest';
import { compareReplays } from '../../engine/recording/compareReplays.ts';
import { conversationTurns } from '../../engine/recording/conversationTurns.ts';
import { renderComparison } from '../../engine/recording/renderComparison.ts';
import { NOT_IN_RECORDING } from '../../engine/recording/replayedTools.ts';
import { twoTurnRecording } from './helpers/syntheticRecording.ts';

describe('conversationTurns', () => {
  it('gives each turn what was heard, said and called while it lasted', () => {
    const turns = conversationTurns(twoTurnRecording().meta);
    expect(turns.map((t) => t.heard)).toEqual(["what's the weather in tokyo", 'tell me a joke']);
    expect(turns[0].said).toBe('Let me check the weather in Tokyo. In Tokyo it is 21 degrees.');
    expect(turns[0].tools).toEqual([
      {
        name: 'get_weather',
        arguments: '{"location":"Tokyo"}',
        result: '{"place":"Tokyo","temperature":21}',
        isError: false,
        notInRecording: false,
      },
    ]);
    expect(turns[1].tools).toEqual([]);
  });

  it('keeps what happened before the user first spoke (a greeting) as turn 0', () => {
    const recording = twoTurnRecording();
    recording.meta.events.unshift({ kind: 'bot.text', atMs: 100, text: 'Hello!' });
    const turns = conversationTurns(recording.meta);
    expect(turns.map((t) => t.turn)).toEqual([0, 1, 2]);
    expect(turns[0].said).toBe('Hello!');
  });
});

describe('compareReplays', () => {
  it('finds no difference between a run and itself', () => {
    const comparison = compareReplays(twoTurnRecording(), twoTurnRecording());
    expect(comparison.differences).toEqual([]);
    expect(comparison.medianVoiceToVoiceDeltaMs).toBe(0);
    expect(renderComparison(comparison)).not.toContain('≠');
  });

  it('marks a latency change beyond the noise band, and nothing else', () => {
    const comparison = compareReplays(twoTurnRecording([800, 600]), twoTurnRecording([1100, 620]));
    expect(comparison.differences).toEqual(['latency']);
    expect(comparison.turns[0].differences).toEqual(['latency']);
    expect(comparison.turns[0].voiceToVoice).toEqual({
      old: 800,
      new: 1100,
      deltaMs: 300,
      differs: true,
    });
    // 20 ms is noise at the default band of 150 ms: the second turn agrees.
    expect(comparison.turns[1].differences).toEqual([]);
    const text = renderComparison(comparison);
    expect(text).toMatch(/^≠ voice-to-voice\s+800 ms\s+1100 ms {2}\(\+300 ms\)$/m);
    expect(text).toMatch(/^ {2}voice-to-voice\s+600 ms\s+620 ms {2}\(\+20 ms\)$/m);
    // A tighter band makes the 20 ms count.
    expect(
      compareReplays(twoTurnRecording([800, 600]), twoTurnRecording([800, 620]), {
        latencyNoiseMs: 10,
      }).differences,
    ).toEqual(['latency']);
  });

  it('marks what was heard, said and called when they change', () => {
    const changed = twoTurnRecording();
    const events = changed.meta.events;
    events[0] = { ...events[0], text: "what's the weather in kyoto" } as (typeof events)[0];
    events[2] = {
      ...events[2],
      arguments: '{"location":"Kyoto"}',
    } as (typeof events)[2];
    events[7] = { kind: 'bot.text', atMs: 6360, text: 'I do not know any jokes.' };
    const comparison = compareReplays(twoTurnRecording(), changed);
    expect(comparison.turns[0].differences).toEqual(['heard', 'tools']);
    expect(comparison.turns[1].differences).toEqual(['said']);
    const text = renderComparison(comparison);
    expect(text).toMatch(/^≠ heard\s+what's the weather in tokyo\s+what's the weather in kyoto$/m);
    expect(text).toMatch(/^≠ tools\s+get_weather\({"location":"Tokyo"}\)\s+get_weather/m);
  });

  it('ignores case, punctuation and argument key order', () => {
    const same = twoTurnRecording();
    const events = same.meta.events;
    events[0] = { ...events[0], text: "What's the weather in Tokyo?" } as (typeof events)[0];
    events[2] = { ...events[2], arguments: '{ "location": "Tokyo" }' } as (typeof events)[2];
    expect(compareReplays(twoTurnRecording(), same).differences).toEqual([]);
  });

  it('marks a turn only one run has, an interruption, and a call the recording had no answer for', () => {
    const replay = twoTurnRecording();
    replay.meta.turns[0].interrupted = true;
    replay.meta.turns.push({ ...replay.meta.turns[1], turn: 3, userSpeechStartAt: 7000 });
    replay.meta.events.push(
      {
        kind: 'tool.call',
        atMs: 7500,
        callId: 'c9',
        name: 'get_time',
        arguments: '{"place":"Paris"}',
      },
      {
        kind: 'tool.result',
        atMs: 7501,
        callId: 'c9',
        name: 'get_time',
        result: JSON.stringify({ error: `${NOT_IN_RECORDING} get_time({"place":"Paris"})` }),
        isError: true,
      },
    );
    const comparison = compareReplays(twoTurnRecording(), replay);
    expect(comparison.turns[0].differences).toEqual(['interrupted']);
    expect(comparison.turns[2].old).toBeUndefined();
    expect(comparison.turns[2].differences).toEqual(['turns', 'toolNotInRecording']);
    expect(renderComparison(comparison)).toMatch(/^≠ tools\s+\[not in recording\] get_time\(/m);
  });
});
