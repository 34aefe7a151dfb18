/**
 * A graph run the way a replay or a scenario drives one: on a pacer's clock (the
 * wall clock, or a virtual one that moves when the graph is idle), with the error
 * frames that reach the top collected and the whole run recorded.
 */
import { type Logger, silentLogger } from '../core/Logger.ts';
import { GraphRunner } from '../graph/GraphRunner.ts';
import type { NodeRegistry } from '../graph/NodeRegistry.ts';
import { createReplayPacer, type ReplayMode, type ReplayPacer } from './ReplayPacer.ts';
import { SessionRecorder, type SessionRecorderInfo } from './SessionRecorder.ts';

export interface PacedRunOptions {
  registry: NodeRegistry;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  mode: ReplayMode;
  audioInSampleRate: number;
  audioOutSampleRate: number;
  /** Who the recording says ran; its `sessionId` is the runner's too. */
  recording: SessionRecorderInfo;
}

export interface PacedRun {
  runner: GraphRunner;
  pacer: ReplayPacer;
  recorder: SessionRecorder;
  /** `node: message` of every error frame that left the graph. */
  errors: string[];
}

/** Builds the runner (not started) with its pacer, error collection and recorder. */
export function pacedRun(graph: unknown, options: PacedRunOptions): PacedRun {
  const pacer = createReplayPacer(options.mode);
  const runner = new GraphRunner(graph, {
    registry: options.registry,
    env: options.env ?? {},
    clock: pacer.clock,
    logger: options.logger ?? silentLogger,
    sessionId: options.recording.sessionId,
    audioInSampleRate: options.audioInSampleRate,
    audioOutSampleRate: options.audioOutSampleRate,
  });
  pacer.attach(runner);
  const errors: string[] = [];
  runner.onUpstream((frame) => {
    if (frame.type === 'error') errors.push(`${frame.source}: ${frame.message}`);
  });
  return { runner, pacer, recorder: new SessionRecorder(runner, options.recording), errors };
}

/** A graceful stop (draining in order), or a cancel with `reason` when it does not come within `ms`. */
export async function stopWithin(
  { runner, pacer }: Pick<PacedRun, 'runner' | 'pacer'>,
  ms: number,
  reason: string,
): Promise<void> {
  let stopped = false;
  void runner.stop().then(() => {
    stopped = true;
  });
  const deadline = pacer.clock.now() + ms;
  while (!stopped && pacer.clock.now() < deadline) await pacer.wait(STOP_POLL_MS, runner);
  if (!stopped) runner.cancel(reason);
}

const STOP_POLL_MS = 20;
