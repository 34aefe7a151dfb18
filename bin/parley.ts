/**
 * parley — command line.
 *
 *   parley run graphs/voice-agent.json --in question.wav --out reply.wav
 *
 * Runs any graph on a WAV file in real time (the VAD and the output pacing
 * need real time), prints what was said by whom and a latency line per turn,
 * and writes the bot's audio to a WAV file.
 */
import { Command, InvalidArgumentError } from 'commander';
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
