/**
 * parley — command line.
 *
 *   parley run graphs/voice-agent.json --in question.wav --out reply.wav
 *
 * Runs any graph on a WAV file in real time (the VAD and the output pacing
 * need real time), prints what was said by whom and a latency line per turn,
 * and writes the bot's audio to a WAV file.
 *
 *   parley replay recordings/<id> --graph voice-agent@<revision>
 *
 * Replays a recorded conversation's user audio, with its timing, into a graph
 * and prints old beside new, turn by turn (docs/recording.md).
 *
 *   parley eval scenarios/default-agent --graph voice-agent --repeat 3 --junit eval.xml
 *
 * Runs scenario files (conversations with expectations) against a graph and
 * prints pass rates and failures; exit 1 on a failure, 2 on bad input
 * (docs/scenarios.md).
 *
 *   parley cluster --workers 2
 *
 * Runs a Parley cluster on this host: a private Redis (unless REDIS_URL is set) and one
 * server process per two cores, worker 0's port the front door (docs/cluster.md).
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { runLocalCluster } from '../server/process/localCluster.ts';
import { evalCommand } from './evalCommand.ts';
import { replayCommand } from './replayCommand.ts';
import { runGraphOnWav } from './runGraphOnWav.ts';

const program = new Command('parley').description(
  'Parley voice-agent graphs from the command line',
);

program
  .command('run')
  .description('run a graph on a WAV file and write the reply')
  .argument('<graph>', 'graph JSON file')
  .requiredOption('--in <wav>', 'input WAV (mono or stereo PCM16)')
  .option('--out <wav>', 'write the bot audio here')
  .option(
    '--set <node.key=value...>',
    'override a node config value, e.g. --set weather.baseUrl=http://127.0.0.1:9000',
    collect,
    [],
  )
  .option('--timeout <seconds>', 'give up waiting for the reply after this long', parseSeconds, 30)
  .action(
    async (
      graph: string,
      options: { in: string; out?: string; set: string[]; timeout: number },
    ) => {
      const result = await runGraphOnWav({
        graphPath: graph,
        inPath: options.in,
        outPath: options.out,
        overrides: options.set,
        timeoutMs: options.timeout * 1000,
        log: (line) => console.log(line),
      });
      if (result.errors.length > 0) process.exitCode = 1;
    },
  );

program
  .command('replay')
  .description('replay a recorded conversation against a graph and compare old with new')
  .argument('<recording>', 'recording directory (or its recording.json)')
  .option(
    '--graph <name[@revision] | file.json>',
    'graph to replay against (default: the one the recording ran)',
  )
  .option('--graphs <dir>', 'graph store for --graph NAME', process.env.GRAPHS_DIR ?? 'graphs')
  .option('--fast', 'virtual clock: as fast as the graph allows (see docs/recording.md)', false)
  .option('--live-tools', 'run the tools for real instead of replaying recorded results', false)
  .option('--json <file>', 'also write the comparison as JSON')
  .option('--save <dir>', 'write the replay as a recording (to listen to or replay again)')
  .option('--noise <ms>', 'latency differences within ± this are not marked', parseMs)
  .action(
    async (
      recording: string,
      options: {
        graph?: string;
        graphs: string;
        fast: boolean;
        liveTools: boolean;
        json?: string;
        save?: string;
        noise?: number;
      },
    ) => {
      await replayCommand({
        recording,
        graph: options.graph,
        graphsDir: options.graphs,
        fast: options.fast,
        liveTools: options.liveTools,
        json: options.json,
        save: options.save,
        noiseMs: options.noise,
        print: (text) => console.log(text),
      });
    },
  );

program
  .command('eval')
  .description('run scenario tests against a graph: pass rates, failures, JSON and JUnit reports')
  .argument('<scenarios>', 'scenario directory (its *.json files) or one scenario file')
  .requiredOption(
    '--graph <name[@revision] | file.json>',
    'graph to test: a store name (at a revision) or a graph file',
  )
  .option('--graphs <dir>', 'graph store for --graph NAME', process.env.GRAPHS_DIR ?? 'graphs')
  .option('--repeat <n>', 'run every scenario n times (pass rates)', '1')
  .option('--json <file>', 'write the full report as JSON')
  .option('--junit <file>', 'write the results as JUnit XML (for CI)')
  .option('--save <dir>', 'write every run as a recording (to listen to or replay)')
  .option('--realtime', 'use the wall clock even for a local graph', false)
  .option('--fast', 'use a virtual clock even for a graph with network services', false)
  .option(
    '--live-tools',
    "run the tools for real instead of the scenarios' scripted answers",
    false,
  )
  .action(
    async (
      scenarios: string,
      options: {
        graph: string;
        graphs: string;
        repeat: string;
        json?: string;
        junit?: string;
        save?: string;
        realtime: boolean;
        fast: boolean;
        liveTools: boolean;
      },
    ) => {
      if (options.realtime && options.fast) {
        console.error('parley eval: --realtime and --fast contradict each other');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await evalCommand({
        scenarios,
        graph: options.graph,
        graphsDir: options.graphs,
        repeat: options.repeat,
        mode: options.realtime ? 'realtime' : options.fast ? 'fast' : undefined,
        liveTools: options.liveTools,
        json: options.json,
        junit: options.junit,
        save: options.save,
        print: (text) => console.log(text),
      });
    },
  );

program
  .command('cluster')
  .description('run a Parley cluster on this host: one worker process per two cores, on Redis')
  .option('--workers <n>', 'worker processes (default: one per two cores)', parseCount)
  .option('--port <port>', 'port of worker 0; worker i listens on port + i', parseCount)
  .action(async (options: { workers?: number; port?: number }) => {
    process.exitCode = await runLocalCluster({
      // A worker keeps more than one core busy at its limit (GC helpers, the VAD thread; docs/cluster.md).
      workers: options.workers ?? Math.max(1, Math.floor(availableParallelism() / 2)),
      basePort: options.port ?? Number(process.env.PORT ?? 3000),
      host: process.env.HOST ?? '127.0.0.1',
      env: process.env,
      log: (line) => console.log(line),
    });
  });

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function parseMs(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of ms ≥ 0');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

program.parseAsync().catch((error: unknown) => {
  console.error(`parley: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
