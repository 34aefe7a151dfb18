/**
 * One utterance through a front-end graph, as a session runs it but faster
 * than real time: 20 ms microphone chunks on a virtual clock that advances
 * 20 ms per chunk once the graph has taken the previous one. The recogniser
 * decodes in its own process in real time, so while it finalises a turn the
 * virtual clock stands still (its delay is measured elsewhere: the offline
 * suite's `sttFinalDelayMs`). After the audio, one second of digital silence
 * lets the VAD end a turn that the noise kept open — a real room would
 * eventually go quiet too; a VAD that never stops in noise shows up as
 * the words it merged, not as a lost turn.
 */
import {
  createDefaultRegistry,
  type GraphDocument,
  GraphRunner,
  type NodeRegistry,
  VirtualClock,
} from '#engine';
import { EVAL_RATE } from './sox.ts';

const CHUNK_MS = 20;
const TAIL_SILENCE_MS = 1000;
/**
 * Longest wait for one final; a decoder that takes longer is reported, not
 * waited on forever. Audio reaches the decoder faster than real time, so at the
 * VAD's stop it may still have most of the utterance to decode: in noise, on a
 * loaded machine, that took over 10 s (37 of 1310 runs on 2026-12-04).
 */
const FINAL_TIMEOUT_MS = 60_000;

export interface HeardUtterance {
  /** Every final of the utterance, joined: what the responder would be given. */
  transcript: string;
  /** Finals one by one; more than one when the VAD split the utterance. */
  finals: string[];
  /** Error frames the graph sent, `node: message`. */
  errors: string[];
}

let sharedRegistry: NodeRegistry | undefined;

export async function runUtterance(
  graph: GraphDocument,
  samples: Int16Array,
  registry?: NodeRegistry,
): Promise<HeardUtterance> {
  sharedRegistry ??= createDefaultRegistry();
  const clock = new VirtualClock(10_000);
  const runner = new GraphRunner(graph, {
    registry: registry ?? sharedRegistry,
    clock,
    env: process.env,
    audioInSampleRate: EVAL_RATE,
  });
  const stt = graph.nodes.find((n) => n.type.startsWith('stt.'));
  if (!stt) throw new Error(`offline eval: graph '${graph.name}' has no STT node`);
  const heard: HeardUtterance = { transcript: '', finals: [], errors: [] };
  const seen = new Set<number>();
  let awaitingFinal = false;
  runner.observeHops(({ frame, from }) => {
    if (seen.has(frame.id)) return; // a frame is seen at every hop it makes
    if (frame.type === 'user.speaking.stopped') awaitingFinal = true;
    // The recogniser reports its finalisation time whether or not it heard words.
    if (from === stt.id && frame.type === 'metrics') awaitingFinal = false;
    if (from === stt.id && frame.type === 'transcript.final' && frame.text) {
      seen.add(frame.id);
      heard.finals.push(frame.text);
    }
    if (frame.type === 'user.speaking.stopped' || frame.type === 'metrics') seen.add(frame.id);
  });
  runner.onUpstream((frame) => {
    if (frame.type === 'error') heard.errors.push(`${frame.source}: ${frame.message}`);
  });
  await runner.start();
  try {
    const chunk = (EVAL_RATE * CHUNK_MS) / 1000;
    const audio = new Int16Array(samples.length + (EVAL_RATE * TAIL_SILENCE_MS) / 1000);
    audio.set(samples);
    for (let i = 0; i < audio.length; i += chunk) {
      await clock.advance(CHUNK_MS);
      runner.push(
        runner.createFrame('audio.in', { audio: audio.slice(i, i + chunk), sampleRate: EVAL_RATE }),
      );
      await runner.idle();
      const deadline = performance.now() + FINAL_TIMEOUT_MS;
      while (awaitingFinal && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 2));
      if (awaitingFinal) {
        heard.errors.push(`${stt.id}: no final within ${FINAL_TIMEOUT_MS} ms`);
        awaitingFinal = false;
      }
    }
  } finally {
    runner.cancel();
  }
  heard.transcript = heard.finals.join(' ');
  return heard;
}
