import type { Frame } from '../core/frames.ts';
import type { Logger } from '../core/Logger.ts';
import type { NodeRegistry } from '../graph/NodeRegistry.ts';
import { pacedRun } from '../recording/pacedRun.ts';
import type { Recording } from '../recording/RecordingFormat.ts';
import type { ReplayMode } from '../recording/ReplayPacer.ts';
import { withRecordedTools } from '../recording/replayedTools.ts';
import { ReplyTracker, type TrackedReply } from './ReplyTracker.ts';
import type { LoadedScenario } from './ScenarioFormat.ts';
import { ScriptedToolAnswers } from './ScriptedToolAnswers.ts';
import { UserTrack } from './UserTrack.ts';

export interface ScenarioRunOptions {
  registry: NodeRegistry;
  /** The user's speech for each turn, at `sampleRate` (see `userSpeech`). */
  speech: Int16Array[];
  /** The graph's input rate. Default 16 kHz. */
  sampleRate?: number;
  /** Credentials for the graph's nodes; default none. */
  env?: Record<string, string | undefined>;
  /** `fast` (a virtual clock) is sound only for local graphs: see `clockModeFor`. Default realtime. */
  mode?: ReplayMode;
  /** `scripted` (default): tools answer from the scenario. `live`: they run. */
  tools?: 'scripted' | 'live';
  graphName?: string;
  logger?: Logger;
}

/** What happened when a scenario ran: the material its expectations are judged on. */
export interface ScenarioRun {
  /** The conversation, as a recording of it (it can be written, listened to and replayed). */
  recording: Recording;
  /** Per scenario turn: timeline ms its speech began, and ended; undefined if it never did. */
  turnStarts: Array<number | undefined>;
  turnEnds: Array<number | undefined>;
  /** Per scenario turn: what did not go as the scenario planned (e.g. a barge-in with no reply to cut). */
  turnNotes: string[][];
  replies: TrackedReply[];
  /** The assistant's messages in the session's conversation at the end (what the LLM will remember). */
  assistantMessages: string[];
  /** Errors the graph reported while it ran (`node: message`). */
  errors: string[];
  mode: ReplayMode;
}

/** After the last turn, the bot is given this long of quiet to be done. */
const FINAL_QUIET_MS = 1500;

/**
 * Plays a scenario's user turns into a graph and records the conversation.
 * Unlike a replay, the user track is not fixed in advance: a turn can wait
 * for the bot to answer, or barge in a given time after the bot started
 * speaking, so the microphone reacts to the graph (see UserTrack).
 */
export async function runScenario(
  loaded: LoadedScenario,
  graph: unknown,
  options: ScenarioRunOptions,
): Promise<ScenarioRun> {
  const { scenario } = loaded;
  const mode = options.mode ?? 'realtime';
  const sampleRate = options.sampleRate ?? 16000;
  const registry =
    options.tools === 'live'
      ? options.registry
      : withRecordedTools(options.registry, new ScriptedToolAnswers(scenario.tools));
  const { runner, pacer, recorder, errors } = pacedRun(graph, {
    registry,
    env: options.env,
    logger: options.logger,
    mode,
    audioInSampleRate: sampleRate,
    audioOutSampleRate: sampleRate,
    recording: {
      id: `scenario-${scenario.name}`,
      sessionId: `scenario-${scenario.name}`,
      transport: `scenario-${mode}`,
      graphName: options.graphName ?? 'graph',
      revision: 'scenario',
    },
  });
  const replies = new ReplyTracker(() => recorder.now());
  runner.observeHops(replies.observe);
  const track = new UserTrack(runner, pacer, () => recorder.now(), sampleRate);
  runner.onOutput((frame: Frame) => track.onOutput(frame));
  const turnStarts: Array<number | undefined> = [];
  const turnEnds: Array<number | undefined> = [];
  const turnNotes: string[][] = scenario.turns.map(() => []);
  try {
    await runner.start();
    for (const [i, turn] of scenario.turns.entries()) {
      const note = (text: string) => turnNotes[i].push(text);
      const previousEnd = turnEnds[i - 1];
      if (turn.atMs !== undefined) await track.silenceUntil(turn.atMs);
      else if (turn.afterBotStartsMs !== undefined)
        await track.bargeIn(previousEnd ?? 0, turn.afterBotStartsMs, scenario.replyTimeoutMs, note);
      else
        await track.awaitAnswer(
          i === 0 ? undefined : (previousEnd ?? 0),
          turn.pauseMs ?? 1000,
          scenario.replyTimeoutMs,
          note,
        );
      turnStarts.push(recorder.now());
      await track.speak(options.speech[i]);
      turnEnds.push(recorder.now());
    }
    const lastEnd = turnEnds.at(-1) ?? 0;
    await track.awaitAnswer(lastEnd, FINAL_QUIET_MS, scenario.replyTimeoutMs, () => {});
    await track.stop(5000);
  } catch (error) {
    runner.cancel('scenario failed');
    await recorder.finish();
    throw error;
  }
  const assistantMessages = runner.session.conversation.messages.flatMap((m) =>
    m.role === 'assistant' && !m.toolCalls?.length ? [m.content] : [],
  );
  return {
    recording: await recorder.finish(),
    turnStarts,
    turnEnds,
    turnNotes,
    replies: replies.replies,
    assistantMessages,
    errors,
    mode,
  };
}
