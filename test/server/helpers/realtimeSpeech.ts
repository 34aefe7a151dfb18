/**
 * Speech for Realtime clients: the WAV fixtures as the protocol's audio
 * (PCM s16 mono 24 kHz, base64 in `input_audio_buffer.append`), played in
 * real time as a microphone would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resample } from '../../../engine/audio/Resampler.ts';
import { readWav } from '../../../engine/audio/wav.ts';

export const REALTIME_RATE = 24000;
const SPEECH_DIR = path.resolve(import.meta.dirname, '../../fixtures/speech');
const CHUNK_MS = 20;

/** A fixture from test/fixtures/speech (e.g. 'tell-me-a-joke'), resampled to 24 kHz. */
export async function loadSpeech24k(name: string): Promise<Int16Array> {
  const wav = readWav(readFileSync(path.join(SPEECH_DIR, `${name}.wav`)), { mixToMono: true });
  return resample(wav.samples, wav.sampleRate, REALTIME_RATE);
}

export function silence24k(ms: number): Int16Array {
  return new Int16Array(Math.round((REALTIME_RATE * ms) / 1000));
}

export function toBase64(samples: Int16Array): string {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

export function fromBase64(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(
    bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 2),
    ),
  );
}

/** Plays `pcm` in 20 ms chunks paced by the wall clock; `send` gets each chunk. */
export async function playInRealTime(
  pcm: Int16Array,
  send: (chunk: Int16Array) => void,
): Promise<void> {
  const samplesPerChunk = (REALTIME_RATE * CHUNK_MS) / 1000;
  const t0 = performance.now();
  for (let offset = 0, n = 0; offset < pcm.length; offset += samplesPerChunk, n++) {
    send(pcm.subarray(offset, offset + samplesPerChunk));
    await new Promise((r) =>
      setTimeout(r, Math.max(0, t0 + (n + 1) * CHUNK_MS - performance.now())),
    );
  }
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}
