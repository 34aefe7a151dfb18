/**
 * Voice latency end to end (bench/README.md says how each figure is measured):
 * turn-end delay with and without the smart end-of-turn check, voice-to-voice
 * on the offline default graph and on the same cascade with fixed-latency fake
 * cloud LLM/TTS, the engine's own share of a turn, barge-in stop time, how
 * quickly 50 sessions started at once are ready, and how many real-time
 * sessions one process holds.
 */
import { readFileSync } from 'node:fs';
import { readWav, type TurnRecord } from '#engine';
import { median, writeResults } from '../lib/results.ts';
import { withBenchRig } from './latency/benchRig.ts';
import { converse } from './latency/conversation.ts';
import { fakeCascadeGraph, fakeCloudEnv, offlineGraph, PREEMPTIVE } from './latency/graphs.ts';
import {
  measureCapacity,
  runCapacityOnly,
  runClusterCapacityOnly,
} from './latency/measureCapacity.ts';
import { runOfflineStagesOnly } from './latency/offlineStages.ts';
import { measureSessionStartBurst, runSessionStartBurstOnly } from './latency/sessionStartBurst.ts';
import { measureTurnEnd } from './latency/turnEnd.ts';

const SPEECH = 'test/fixtures/speech';
const wav = (name: string) =>
  readWav(readFileSync(`${SPEECH}/${name}`), { mixToMono: true }).samples;
const log = (line: string) => console.log(line);

/**
 * v2v minus what the providers and the VAD spent on the turn's critical path:
 * STT final (after end of speech, VAD wait included), the LLM's wait (its time
 * to first token, or — when a preemptive request answered the turn — only what
 * was left of it after the turn was confirmed) and the TTS's time to first byte.
 */
function engineOverheadMs(turn: TurnRecord, llm: string, tts: string): number | undefined {
  const stt = turn.hops.sttFinalMs;
  const llmWait = turn.llmPreemptiveWaitMs ?? turn.ttfbMs[llm];
  const ttsTtfb = turn.ttfbMs[tts];
  if (
    turn.voiceToVoiceMs === undefined ||
    stt === undefined ||
    llmWait === undefined ||
    ttsTtfb === undefined
  )
    return undefined;
  return turn.voiceToVoiceMs - stt - (turn.endOfTurnHoldMs ?? 0) - llmWait - ttsTtfb;
}

/** Where a fake-cascade turn's time went, as medians: printed so the figure can be read, not just believed. */
function logBreakdown(turns: TurnRecord[], log: (line: string) => void): void {
  const med = (values: Array<number | undefined>) =>
    round(median(values.filter((v): v is number => v !== undefined)));
  log(
    `    median breakdown: VAD stop ${med(turns.map((t) => t.hops.vadEndOfSpeechMs))}` +
      ` + STT final ${med(turns.map((t) => sub(t.hops.sttFinalMs, t.hops.vadEndOfSpeechMs)))}` +
      ` + LLM wait ${med(turns.map((t) => t.llmPreemptiveWaitMs ?? t.ttfbMs.llm))} (ttfb ${med(turns.map((t) => t.ttfbMs.llm))})` +
      ` + TTS ttfb ${med(turns.map((t) => t.ttfbMs.tts))}` +
      ` + engine ${med(turns.map((t) => engineOverheadMs(t, 'llm', 'tts')))}` +
      `; preemptive requests used ${turns.filter((t) => t.llmPreemptiveWaitMs !== undefined).length}/${turns.length}`,
  );
}

const sub = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a - b;

const answered = (turns: TurnRecord[]) =>
  turns.filter((t) => t.voiceToVoiceMs !== undefined).slice(1); // the first turn warms caches

export async function runLatencyBench(): Promise<Record<string, number>> {
  if (process.env.LATENCY_ONLY === 'capacity') return runCapacityOnly(log);
  if (process.env.LATENCY_ONLY === 'cluster') return runClusterCapacityOnly(log);
  if (process.env.LATENCY_ONLY === 'burst') return runSessionStartBurstOnly(log);
  if (process.env.LATENCY_ONLY === 'offline') return runOfflineStagesOnly(log);
  const figures: Record<string, number> = {};

  log('  turn end (virtual clock, spoken fixtures)');
  const turnEnd = await measureTurnEnd(
    [
      { name: 'vad', stopMs: 300, endOfTurn: 'vad', incompleteExtraMs: 600 },
      { name: 'smart', stopMs: 300, endOfTurn: 'smart', incompleteExtraMs: 600 },
      { name: 'smartStop200', stopMs: 200, endOfTurn: 'smart', incompleteExtraMs: 600 },
    ],
    log,
    ['vad', 'smart'],
  );
  figures.turnEndVadMs = turnEnd.medianMs.vad;
  figures.turnEndSmartMs = turnEnd.medianMs.smart;
  figures.turnEndSmartStop200Ms = turnEnd.medianMs.smartStop200;
  figures.smartHeldFixtures = turnEnd.heldFixtures.smart;
  if (turnEnd.hesitationCuts) {
    figures.hesitationCutsVad = turnEnd.hesitationCuts.vad;
    figures.hesitationCutsSmart = turnEnd.hesitationCuts.smart;
  }

  await withBenchRig(async (rig) => {
    const { mic, weatherUrl, cloud } = rig;
    const utterances = [wav('tell-me-a-joke.wav'), wav('weather-tokyo.wav')];
    log('  voice-to-voice, offline graph (real time)');
    const offline = await converse(offlineGraph(weatherUrl), mic, utterances, 10);
    const offlineTurns = answered(offline.turns);
    figures.v2vOfflineMs = round(median(offlineTurns.map((t) => t.voiceToVoiceMs!)));
    log(
      `    v2v ${offlineTurns.map((t) => t.voiceToVoiceMs).join(', ')}; unanswered ${offline.unanswered}; errors ${offline.errors.length}`,
    );

    log(
      '  voice-to-voice, fake cloud LLM (200 ms) + TTS (100 ms), VAD stopMs 300, preemptive generation on (real time)',
    );
    const cascade = await converse(
      fakeCascadeGraph(cloud.urls, PREEMPTIVE),
      mic,
      utterances,
      10,
      fakeCloudEnv(cloud.urls),
    );
    const cascadeTurns = answered(cascade.turns);
    figures.v2vFakeCascadeMs = round(median(cascadeTurns.map((t) => t.voiceToVoiceMs!)));
    log(
      `    v2v ${cascadeTurns.map((t) => t.voiceToVoiceMs).join(', ')}; unanswered ${cascade.unanswered}; errors ${cascade.errors.length}`,
    );
    logBreakdown(cascadeTurns, log);
    for (const t of cascadeTurns.slice(0, 2))
      log(
        `    e.g. vad ${t.hops.vadEndOfSpeechMs} stt ${t.hops.sttFinalMs} turn ${t.userTurnEndMs} llm ${t.hops.llmFirstTokenMs} (ttfb ${t.ttfbMs.llm}, wait ${t.llmPreemptiveWaitMs}) tts ${t.hops.ttsFirstAudioMs} (ttfb ${t.ttfbMs.tts}) out ${t.hops.firstAudioOutMs}`,
      );

    log('  voice-to-voice, the same without preemptive generation (the node defaults)');
    const plain = await converse(
      fakeCascadeGraph(cloud.urls),
      mic,
      utterances,
      10,
      fakeCloudEnv(cloud.urls),
    );
    const plainTurns = answered(plain.turns);
    figures.v2vFakeCascadePlainMs = round(median(plainTurns.map((t) => t.voiceToVoiceMs!)));
    log(
      `    v2v ${plainTurns.map((t) => t.voiceToVoiceMs).join(', ')}; unanswered ${plain.unanswered}; errors ${plain.errors.length}`,
    );
    logBreakdown(plainTurns, log);

    const overheads = [...cascadeTurns, ...plainTurns]
      .map((t) => engineOverheadMs(t, 'llm', 'tts'))
      .filter((v): v is number => v !== undefined);
    figures.engineOverheadMsPerTurn = round(median(overheads));

    const interrupts = [
      ...offline.interruptStopMs,
      ...cascade.interruptStopMs,
      ...plain.interruptStopMs,
    ];
    figures.interruptStopMs = round(median(interrupts));
    log(`    interrupt stop ${interrupts.map(round).join(', ')}`);

    Object.assign(figures, await measureSessionStartBurst(weatherUrl, log));
    Object.assign(figures, await measureCapacity(rig, log));
  });
  writeResults('latency', figures);
  return figures;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
