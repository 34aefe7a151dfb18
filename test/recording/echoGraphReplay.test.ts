/**
 * The recorder and the replay on a model-free graph (an energy "ear" and a bot
 * that answers with a 1.5 s tone), fast on a virtual clock: barge-ins land at
 * the same moments, and interruptions are recorded and compared. (Latency
 * shifts are tested on the real default graph: this ear reports no speech end
 * before its own decision, so its voice-to-voice is always 0.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { compareReplays } from '../../engine/recording/compareReplays.ts';
import { conversationTurns } from '../../engine/recording/conversationTurns.ts';
import { renderComparison } from '../../engine/recording/renderComparison.ts';
import { replayRecording } from '../../engine/recording/replayRecording.ts';
import { SessionRecorder } from '../../engine/recording/SessionRecorder.ts';
import { echoRegistry, tone } from '../server/helpers/echoBotNodes.ts';
import { syntheticRecording } from './helpers/syntheticRecording.ts';

interface GraphDoc {
  nodes: Array<{ id: string; config: Record<string, unknown> }>;
}

const echo = JSON.parse(readFileSync('test/fixtures/graphs/echo.json', 'utf8')) as GraphDoc;
const RATE = 16000;

/** The user speaks at 0.5 s for 0.6 s, and barges in at 2.0 s, into the bot's 1.5 s reply. */
function userTrack(): Int16Array {
  const track = new Int16Array(RATE * 6);
  track.set(tone(600, RATE, 220), RATE * 0.5);
  track.set(tone(500, RATE, 220), RATE * 2);
  return track;
}

function trackOnly() {
  const recording = syntheticRecording([], []);
  recording.user = { samples: userTrack(), sampleRate: RATE };
  return recording;
}

const fast = { registry: echoRegistry(), mode: 'fast' as const };

describe('recording and replaying on the echo graph', () => {
  it('records both turns, the barge-in and the bot audio up to the moment it was cut', async () => {
    const { recording } = await replayRecording(trackOnly(), echo, fast);
    const { meta, bot } = recording;
    const turns = conversationTurns(meta);
    expect(turns.map((t) => t.heard)).toEqual(['heard 600 ms', 'heard 500 ms']);
    expect(turns.map((t) => t.said)).toEqual(['echo: heard 600 ms', 'echo: heard 500 ms']);
    expect(turns.map((t) => t.interrupted)).toEqual([true, false]);
    // The ear stops 200 ms after the speech ends (1.1 s); the reply plays until the barge-in at 2.0 s.
    const loud = (fromMs: number, toMs: number) =>
      bot.samples
        .subarray((fromMs / 1000) * bot.sampleRate, (toMs / 1000) * bot.sampleRate)
        .some((s) => Math.abs(s) > 1000);
    expect(loud(0, 1250)).toBe(false);
    expect(loud(1400, 1950)).toBe(true);
    expect(loud(2150, 2650)).toBe(false); // cut: 1.5 s of tone would have played until ~2.8 s
    expect(loud(2700, 4100)).toBe(true); // the second reply, 200 ms after the barge-in ended
    const interrupts = meta.events.filter((e) => e.kind === 'interrupt').map((e) => e.atMs);
    expect(interrupts.some((at) => at >= 2000 && at < 2100)).toBe(true);
  });

  it('replays a recording with the barge-in at the same moment: no difference at all', async () => {
    const original = await replayRecording(trackOnly(), echo, fast);
    const replay = await replayRecording(original.recording, echo, fast);
    const comparison = compareReplays(original, replay);
    expect(comparison.differences, renderComparison(comparison)).toEqual([]);
    expect(comparison.turns[0].new?.interrupted).toBe(true);
  });

  it('stops recording at its duration cap and says so', async () => {
    const clock = new VirtualClock(0);
    const runner = new GraphRunner(echo, { registry: echoRegistry(), clock });
    const recorder = new SessionRecorder(
      runner,
      { id: 'capped', sessionId: 's', transport: 'test', graphName: 'echo', revision: 'r' },
      { maxDurationMs: 1000 },
    );
    await runner.start();
    const track = userTrack();
    for (let i = 0; i < RATE * 3; i += 320) {
      runner.push(
        runner.createFrame('audio.in', { audio: track.slice(i, i + 320), sampleRate: RATE }),
      );
      await runner.idle();
      await clock.advance(20);
    }
    runner.cancel('test over');
    const recording = await recorder.finish();
    expect(recording.meta.audio.truncated).toBe(true);
    expect(recording.meta.notes.join(' ')).toMatch(/recorded up to 1 s/);
    expect(recording.user.samples.length).toBe(RATE);
    expect(recording.meta.events.every((e) => e.atMs <= 1000)).toBe(true);
  });
});
