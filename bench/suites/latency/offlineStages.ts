/**
 * `LATENCY_ONLY=offline npm run bench:latency`: voice-to-voice on the offline
 * default graph as shipped, and again with each of its audio front-end stages
 * (noise suppression, level normalisation…) taken out, so what each stage
 * costs a turn is measured rather than estimated. Writes
 * bench/results/latency-offline.json.
 */
import { readFileSync } from 'node:fs';
import { type GraphDocument, readWav, type TurnRecord } from '#engine';
import { median, writeResults } from '../../lib/results.ts';
import { withBenchRig } from './benchRig.ts';
import { converse } from './conversation.ts';
import { bypass, FRONT_END_TYPES, offlineGraph } from './graphs.ts';

const wav = (name: string) =>
  readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true }).samples;

export async function runOfflineStagesOnly(
  log: (line: string) => void,
): Promise<Record<string, number>> {
  return withBenchRig(async ({ mic, weatherUrl }) => {
    const utterances = [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')];
    const shipped = offlineGraph(weatherUrl);
    const stages = shipped.nodes.filter((n) => FRONT_END_TYPES.has(n.type));
    const variants: Array<[string, GraphDocument]> = [
      ['shipped', shipped],
      ...stages.map((n): [string, GraphDocument] => [`without ${n.id}`, bypass(shipped, n.id)]),
    ];
    if (stages.length > 1)
      variants.push(['without the front end', stages.reduce((g, n) => bypass(g, n.id), shipped)]);
    const figures: Record<string, number> = {};
    for (const [name, graph] of variants) {
      const { turns, unanswered, errors } = await converse(graph, mic, utterances, 10);
      const answered = turns.filter((t) => t.voiceToVoiceMs !== undefined).slice(1);
      const v2v = round(median(answered.map((t) => t.voiceToVoiceMs!)));
      log(
        `  ${name}: v2v median ${v2v} ms (${answered.length} turns, unanswered ${unanswered}, errors ${errors.length}); ${breakdown(answered)}`,
      );
      figures[name === 'shipped' ? 'v2vOfflineMs' : `v2vOffline_${camel(name)}Ms`] = v2v;
    }
    writeResults('latency-offline', figures);
    return figures;
  });
}

function breakdown(turns: TurnRecord[]): string {
  const med = (pick: (t: TurnRecord) => number | undefined) =>
    round(median(turns.map(pick).filter((v): v is number => v !== undefined)));
  return (
    `VAD stop ${med((t) => t.hops.vadEndOfSpeechMs)}, STT final ${med((t) => t.hops.sttFinalMs)}, ` +
    `first token ${med((t) => t.hops.llmFirstTokenMs)}, first audio ${med((t) => t.hops.ttsFirstAudioMs)} (ms after end of speech)`
  );
}

const round = (n: number) => Math.round(n * 10) / 10;
const camel = (name: string) =>
  name
    .replace(/[^a-z0-9]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase())
    .replace(/^./, (c) => c.toLowerCase());
