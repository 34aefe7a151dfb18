/**
 * Microphone audio as each transport's client sends it, encoded once up front (a browser
 * encodes; that is not the server's cost, and the clients process must keep real time):
 * `ws` = Pipecat audio frames of 20 ms of 16 kHz PCM, `webrtc` = Opus payloads of 20 ms
 * at 48 kHz (the fixture resampled). Plus where the speech is, for the clock of a turn.
 */
import { dbfs, OPUS_FRAME, OPUS_RATE, OpusCodec, resample } from '#engine';
import { encodeAudioFrame } from '../../../server/transports/pipecat/pipecatFrames.ts';
import type { Transport } from './voiceClients.ts';

export const CHUNK_MS = 20;
const WS_RATE = 16000;

export interface Utterance {
  /** One packet per 20 ms, in the transport's encoding. */
  packets: Uint8Array[];
  /** First voiced sample, ms into the clip: the user's speech onset. */
  onsetMs: number;
  /** End of the last voiced 10 ms, ms into the clip: the end of the user's speech. */
  endMs: number;
}

/** 10 ms windows louder than -35 dBFS count as voiced (the fixtures start and end in silence). */
function voicedBounds(pcm: Int16Array, rate: number): { onsetMs: number; endMs: number } {
  const window = rate / 100;
  let first = -1;
  let last = -1;
  for (let i = 0; i + window <= pcm.length; i += window) {
    if (dbfs(pcm.subarray(i, i + window)) <= -35) continue;
    if (first < 0) first = i;
    last = i + window;
  }
  return { onsetMs: (Math.max(0, first) / rate) * 1000, endMs: (Math.max(0, last) / rate) * 1000 };
}

function chunks(pcm: Int16Array, perChunk: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let at = 0; at < pcm.length; at += perChunk) {
    const chunk = new Int16Array(perChunk); // the last one zero-padded
    chunk.set(pcm.subarray(at, at + perChunk));
    out.push(chunk);
  }
  return out;
}

/** Encodes 20 ms chunks of `pcm` (any rate) for `transport`. */
export async function encodeMic(
  transport: Transport,
  pcm: Int16Array,
  rate: number,
): Promise<Uint8Array[]> {
  if (transport === 'ws') {
    const pcm16k = rate === WS_RATE ? pcm : await resample(pcm, rate, WS_RATE);
    return chunks(pcm16k, (WS_RATE * CHUNK_MS) / 1000).map((c) => encodeAudioFrame(c, WS_RATE));
  }
  const pcm48k = rate === OPUS_RATE ? pcm : await resample(pcm, rate, OPUS_RATE);
  const codec = new OpusCodec();
  try {
    return chunks(pcm48k, OPUS_FRAME).map((c) => Buffer.from(codec.encode(c)));
  } finally {
    codec.destroy();
  }
}

export async function encodeUtterance(
  transport: Transport,
  pcm: Int16Array,
  rate: number,
): Promise<Utterance> {
  return { packets: await encodeMic(transport, pcm, rate), ...voicedBounds(pcm, rate) };
}

/** 20 ms of room silence (what a client sends while the user is quiet). */
export async function silencePacket(transport: Transport): Promise<Uint8Array> {
  const [packet] = await encodeMic(transport, new Int16Array(OPUS_FRAME), OPUS_RATE);
  return packet;
}
