import { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from '#engine';
import { decodePcm16 } from '../decodePcm16.ts';
import type { RealtimeAudioFormat } from './realtimeSessionConfig.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `input_audio_buffer.append` audio → samples, or what is wrong with it. */
export function decodeRealtimeAudio(
  base64: string,
  format: RealtimeAudioFormat,
): { samples: Int16Array } | { problem: string } {
  // Buffer.from() silently skips characters that are not base64; a client sending garbage must hear about it.
  if (base64.length % 4 !== 0 || !BASE64.test(base64))
    return { problem: 'audio is not valid base64' };
  const bytes = Buffer.from(base64, 'base64');
  if (format.type === 'audio/pcmu') return { samples: muLawDecode(bytes) };
  if (format.type === 'audio/pcma') return { samples: aLawDecode(bytes) };
  if (bytes.byteLength % 2 !== 0)
    return { problem: `audio is ${bytes.byteLength} bytes, not whole 16-bit samples of audio/pcm` };
  return { samples: decodePcm16(bytes) };
}

/** Samples at the format's rate → the base64 `delta` of `response.output_audio.delta`. */
export function encodeRealtimeAudio(samples: Int16Array, format: RealtimeAudioFormat): string {
  if (format.type === 'audio/pcmu') return Buffer.from(muLawEncode(samples)).toString('base64');
  if (format.type === 'audio/pcma') return Buffer.from(aLawEncode(samples)).toString('base64');
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}
