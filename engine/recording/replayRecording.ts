import type { Frame } from '../core/frames.ts';
import type { Logger } from '../core/Logger.ts';
import type { NodeRegistry } from '../graph/NodeRegistry.ts';
import { pacedRun, stopWithin } from './pacedRun.ts';
import type { Recording } from './RecordingFormat.ts';
import type { ReplayMode } from './ReplayPacer.ts';
import { RecordedToolAnswers, withRecordedTools } from './replayedTools.ts';

export interface ReplayOptions {
  registry: NodeRegistry;
  /** Credentials for the graph's nodes; default none. */
  env?: Record<string, string | undefined>;
  /** What the result calls the graph it ran (the store's name and revision, or a file). */
  graphName?: string;
  revision?: string;
  /** Default `realtime`. `fast` is sound only for graphs whose nodes keep time on the session clock (docs/recording.md). */
  mode?: ReplayMode;
  /** `recorded` (default): tools answer from the recording. `live`: they run. */
  tools?: 'recorded' | 'live';
  /** After the user track ends, how long the graph may go on talking. Default 30 s. */
  tailTimeoutMs?: number;
  /** The replay ends after this long without output once the user track is done. Default 1500 ms. */
  quietMs?: number;
  logger?: Logger;
}

export interface ReplayResult {
  /** The new conversation, in the same shape as a recording (it can be written as one). */
  recording: Recording;
  mode: ReplayMode;
  tools: 'recorded' | 'live';
  /** Errors the graph reported while it ran (`node: message`). */
  errors: string[];
}

const CHUNK_MS = 20;

/**
 * Feeds a recording's user track into `graph` with its original timing, 20 ms
 * at a time, as a microphone would: speech, pauses and barge-ins land at the
 * same moments on the timeline. The graph's side of the conversation is
 * recorded exactly as a live session's is, for `compareReplays`.
 */
export async function replayRecording(
  recording: Recording,
  graph: unknown,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const mode = options.mode ?? 'realtime';
  const tools = options.tools ?? 'recorded';
  const registry =
    tools === 'live'
      ? options.registry
      : withRecordedTools(options.registry, new RecordedToolAnswers(recording.meta.events));
  const run = pacedRun(graph, {
    registry,
    env: options.env,
    logger: options.logger,
    mode,
    audioInSampleRate: recording.user.sampleRate,
    audioOutSampleRate: recording.bot.sampleRate,
    recording: {
      id: `${recording.meta.id}-replay`,
      sessionId: `replay-${recording.meta.id}`,
      transport: `replay-${mode}`,
      graphName: options.graphName ?? graphNameOf(graph),
      revision: options.revision ?? 'unsaved',
    },
  });
  const { runner, pacer, recorder, errors } = run;
  let lastOutputAt = pacer.clock.now();
  runner.onOutput((frame: Frame) => {
    if (frame.type === 'audio.out' || frame.type === 'bot.speaking.stopped')
      lastOutputAt = pacer.clock.now();
  });
  try {
    await runner.start();
    const t0 = recorder.now();
    const start = pacer.clock.now() - t0;
    const { samples, sampleRate } = recording.user;
    const chunk = Math.round((sampleRate * CHUNK_MS) / 1000);
    let n = 0;
    for (let i = 0; i < samples.length; i += chunk, n++) {
      runner.push(
        runner.createFrame('audio.in', { audio: samples.slice(i, i + chunk), sampleRate }),
      );
      await pacer.waitUntil(start + (n + 1) * CHUNK_MS, runner);
    }
    // The microphone stays open while the graph answers: silence, until it has finished.
    const silence = new Int16Array(chunk);
    const deadline = pacer.clock.now() + (options.tailTimeoutMs ?? 30_000);
    const quietMs = options.quietMs ?? 1500;
    lastOutputAt = Math.max(lastOutputAt, pacer.clock.now());
    while (
      pacer.clock.now() < deadline &&
      (runner.isBotSpeaking || pacer.clock.now() - lastOutputAt < quietMs)
    ) {
      runner.push(runner.createFrame('audio.in', { audio: silence, sampleRate }));
      await pacer.wait(CHUNK_MS, runner);
    }
    await stopWithin(run, 5000, 'replay over');
  } catch (error) {
    runner.cancel('replay failed');
    await recorder.finish();
    throw error;
  }
  return { recording: await recorder.finish(), mode, tools, errors };
}

function graphNameOf(graph: unknown): string {
  const name = (graph as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'graph';
}
