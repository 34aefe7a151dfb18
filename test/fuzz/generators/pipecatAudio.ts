/**
 * Garbage microphone audio on /ws/pipecat: odd byte counts, random bytes,
 * rates out of range, channel counts, and rates that change on every frame
 * (44.1 kHz ↔ 8 kHz: each change rebuilds the edge resampler). README: rates
 * 8–48 kHz are resampled, anything else is refused with an error and the
 * session goes on.
 */

import { tone } from '../../server/helpers/echoBotNodes.ts';
import { pipecatDriver } from '../drivers/pipecatDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { type MessageCase, messageKind } from './messageKind.ts';
import { audioFrame } from './pipecatProtobuf.ts';

const LEGAL_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
const ILLEGAL_RATES = [0, 1, 4000, 7999, 48001, 96000, 192000, 2 ** 31, 2 ** 32 - 1];

/** 20 ms of audio at `rate`: silence, or a tone loud enough for the echo graph's ear. */
function chunk(rate: number, loud: boolean): Uint8Array {
  const samples = loud ? tone(20, rate, 300, 12000) : new Int16Array(Math.round(rate / 50));
  return new Uint8Array(samples.buffer);
}

export function pipecatAudioKinds(): CaseKind[] {
  const kind = (name: string, build: (rng: Rng) => MessageCase) =>
    messageKind(name, pipecatDriver, build);
  return [
    kind('audio-odd-byte-count', (rng) => {
      const bytes = rng.pick([1, 3, 321, rng.int(0, 5000) * 2 + 1]);
      return {
        title: `${bytes} bytes of audio (not whole 16-bit samples)`,
        send: (ws) =>
          ws.sendBinary(audioFrame({ audio: rng.bytes(bytes), sampleRate: 16000, channels: 1 })),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('audio-random-bytes', (rng) => {
      const samples = rng.int(1, 8000);
      const rate = rng.pick(LEGAL_RATES);
      return {
        title: `${samples} samples of random bytes at ${rate} Hz`,
        send: (ws) =>
          ws.sendBinary(
            audioFrame({ audio: rng.bytes(samples * 2), sampleRate: rate, channels: 1 }),
          ),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('audio-alternating-rates', (rng) => {
      // Hundreds of changes: the resampler is rebuilt on each, and a short run hides a freeze that a call would hear.
      const frames = rng.pick([200, 400, rng.int(20, 400)]);
      const loud = rng.bool(0.3);
      return {
        title: `${frames} frames of 20 ms alternating 44.1 kHz / 8 kHz${loud ? ' (loud)' : ''}`,
        send(ws) {
          for (let i = 0; i < frames; i++) {
            const rate = i % 2 === 0 ? 44100 : 8000;
            ws.sendBinary(audioFrame({ audio: chunk(rate, loud), sampleRate: rate, channels: 1 }));
          }
        },
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('audio-rate-walk', (rng) => {
      const frames = rng.int(10, 100);
      const rates = Array.from({ length: frames }, () => rng.pick(LEGAL_RATES));
      return {
        title: `${frames} frames, each at a random legal rate (${rates.slice(0, 4).join(', ')}, …)`,
        send: (ws) =>
          rates.forEach((rate) =>
            ws.sendBinary(audioFrame({ audio: chunk(rate, false), sampleRate: rate, channels: 1 })),
          ),
        expect: { kind: 'keeps-working' },
      };
    }),
    kind('audio-rate-out-of-range', (rng) => {
      const rate = rng.pick(ILLEGAL_RATES);
      return {
        title: `audio at ${rate} Hz`,
        send: (ws) =>
          ws.sendBinary(audioFrame({ audio: chunk(16000, false), sampleRate: rate, channels: 1 })),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('audio-rate-missing', () => ({
      title: 'audio without a sample_rate field',
      send: (ws) => ws.sendBinary(audioFrame({ audio: chunk(16000, false), channels: 1 })),
      expect: { kind: 'error-reply' },
    })),
    kind('audio-channels', (rng) => {
      const channels = rng.pick([2, 3, 8, 255, 2 ** 32 - 1]);
      return {
        title: `audio with ${channels} channels`,
        send: (ws) =>
          ws.sendBinary(audioFrame({ audio: chunk(16000, false), sampleRate: 16000, channels })),
        expect: { kind: 'error-reply' },
      };
    }),
    kind('audio-empty', () => ({
      title: 'audio frame with no samples',
      send: (ws) => ws.sendBinary(audioFrame({ sampleRate: 16000, channels: 1 })),
      expect: { kind: 'error-reply' },
    })),
    kind('audio-large', (rng) => {
      const samples = rng.int(200_000, 500_000);
      return {
        title: `one frame of ${samples} samples (${(samples / 16000).toFixed(1)} s) at 16 kHz`,
        send: (ws) =>
          ws.sendBinary(
            audioFrame({ audio: new Uint8Array(samples * 2), sampleRate: 16000, channels: 1 }),
          ),
        expect: { kind: 'keeps-working' },
      };
    }),
  ];
}
