import { writeFile } from 'node:fs/promises';
import {
  closeSharedServices,
  compareReplays,
  createDefaultRegistry,
  GraphValidationError,
  readRecording,
  renderComparison,
  replayRecording,
  writeRecording,
} from '#engine';
import { resolveReplayGraph } from './replayGraphSource.ts';

export interface ReplayCommandOptions {
  recording: string;
  /** NAME[@REVISION] or a .json path; default: the graph the recording ran. */
  graph?: string;
  graphsDir: string;
  fast: boolean;
  liveTools: boolean;
  /** Write the comparison as JSON here. */
  json?: string;
  /** Write the replay as a recording here (to listen to, or to replay again). */
  save?: string;
  noiseMs?: number;
  print: (text: string) => void;
}

/**
 * `parley replay`: reads a recording, replays its user track into a graph and
 * prints old beside new. Throws only when the replay itself could not run;
 * differences are information (exit code 0).
 */
export async function replayCommand(options: ReplayCommandOptions): Promise<void> {
  const recording = await readRecording(options.recording);
  const graph = await resolveReplayGraph(options.graph, recording, options.graphsDir);
  options.print(
    `replaying ${recording.meta.id} (${Math.round(recording.meta.durationMs / 1000)} s, ${recording.meta.turns.length} turns) against ${graph.name}@${graph.revision}${options.fast ? ', fast' : ', real time'}${options.liveTools ? ', live tools' : ''}`,
  );
  try {
    const replay = await replayRecording(recording, graph.document, {
      registry: createDefaultRegistry(),
      env: process.env,
      graphName: graph.name,
      revision: graph.revision,
      mode: options.fast ? 'fast' : 'realtime',
      tools: options.liveTools ? 'live' : 'recorded',
    }).catch((error: unknown) => {
      if (error instanceof GraphValidationError)
        throw new Error(
          `${graph.name} is not a valid graph:\n  ${error.issues.map((i) => i.message).join('\n  ')}`,
        );
      throw error;
    });
    const comparison = compareReplays(recording, replay, { latencyNoiseMs: options.noiseMs });
    options.print(renderComparison(comparison));
    for (const error of replay.errors) options.print(`graph error: ${error}`);
    if (options.json) {
      await writeFile(
        options.json,
        `${JSON.stringify({ comparison, errors: replay.errors, mode: replay.mode, tools: replay.tools }, null, 2)}\n`,
      );
      options.print(`wrote ${options.json}`);
    }
    if (options.save) {
      await writeRecording(options.save, replay.recording);
      options.print(`wrote the replay to ${options.save}`);
    }
  } finally {
    await closeSharedServices();
  }
}
